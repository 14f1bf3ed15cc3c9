"""`python -m widget_server.cli`, as the tests start the server."""
from . import main

main()
