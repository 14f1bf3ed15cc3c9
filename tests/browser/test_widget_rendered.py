"""The widget never changes what a page rendered into a container, so a framework that
hydrates server-rendered HTML (React, Vue, Svelte) finds it as it left it, however early
the prompt appears: the prompt lives in the container's own shadow root, and the page's
children still show through a slot."""
from playwright.sync_api import expect

from .conftest import served

UNCHANGED = """(id) => {
  const now = [...document.getElementById(id).childNodes];
  return now.length == rendered[id].length && now.every((node, index) => node === rendered[id][index]);
}"""


def test_showing_answering_and_following_up_leave_the_containers_children_as_rendered(visit, live_server,
                                                                                     site_key):
    guest = visit()
    page = guest.open("rendered.html", site_key)
    prompt = page.locator("#with-child").get_by_role("group")
    expect(prompt.get_by_role("button", name="2", exact=True)).to_be_visible()
    # The page's own child still shows, above the prompt.
    expect(page.locator("#own")).to_be_visible()
    assert page.locator("#own").bounding_box()["y"] < prompt.bounding_box()["y"]

    prompt.get_by_role("button", name="2", exact=True).click()
    prompt.get_by_role("button", name="I couldn't find the answer").click()
    prompt.get_by_label("Anything else? (optional)").fill("The link was gone")
    prompt.get_by_role("button", name="Send").click()
    expect(prompt.get_by_text("Thank you for your feedback!")).to_be_visible()
    assert live_server.answers(site_key, "comment != ''")[0]["comment"] == "The link was gone"

    for container in ("with-child", "empty"):
        assert page.evaluate(UNCHANGED, container), container
    assert [change for change in page.evaluate("changes") if change.split(":")[0] in ("with-child", "empty")] == []


def test_a_container_that_cannot_hold_the_prompt_in_a_shadow_root_gets_it_as_a_child(visit, site_key):
    guest = visit()
    page = guest.open("rendered.html", site_key)

    # A list item allows no shadow root; a container with one already keeps it to itself;
    # a custom element may attach its own once it is defined.
    for container in ("#item", "#taken", "#late"):
        expect(page.locator(f"{container} > ces-prompt").locator(served(".scale button")).first).to_be_visible()
    page.evaluate("""customElements.define("late-el", class extends HTMLElement {
      constructor() { super(); this.attachShadow({mode: "open"}).append(document.createElement("slot")); }
    })""")
    # It upgraded (no error in the page, which the fixture checks), and its slot shows the prompt.
    assert page.evaluate("document.getElementById('late').shadowRoot !== null")
    expect(page.locator("#late > ces-prompt").locator(served(".scale button")).first).to_be_visible()
