"""Schemathesis hooks for test_api_description: generated requests name the test's site,
answer and secret where they would otherwise name ones that do not exist, so many cases
reach the code behind the 404s and 403s. A value is swapped only when the generated one
already has the right shape, so a case meant to break the schema still breaks it; one
case in four keeps its own, so unknown sites and answers are tried as well."""
import os
import re
import zlib

import schemathesis

from widget_server.payloads import KEY, SITE_KEY

ANY_ID = re.compile(r"[^\x00]*")


def known(value, pattern, real):
    if isinstance(value, str) and pattern.fullmatch(value) and zlib.crc32(value.encode(errors="replace")) % 4:
        return real
    return value


@schemathesis.hook
def before_call(context, case, kwargs):
    # before_call runs for the cases of every phase; the map_* hooks miss the coverage
    # phase's, which would leave most of them at "unknown site".
    body = case.body
    if isinstance(body, dict):
        if "site" in body:
            body["site"] = known(body["site"], SITE_KEY, os.environ["CES_FUZZ_SITE"])
        if "secret" in body and case.operation.path.endswith("/follow-up"):
            body["secret"] = known(body["secret"], KEY, os.environ["CES_FUZZ_SECRET"])
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = known(case.path_parameters["id"], ANY_ID, os.environ["CES_FUZZ_ANSWER"])
