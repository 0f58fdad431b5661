"""Choosing in the admin's autocomplete fields (select2) as staff do: open, type, click the match."""


def select2_pick(page, name: str, text: str) -> None:
    """Pick the option containing ``text`` in the autocomplete field ``name`` of the admin form."""
    page.locator(f"#content-main form .field-{name} .select2-selection").first.click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(text[:4])  # a few letters, as a person types; the server answers with the matches
    page.locator(".select2-results__option", has_text=text).first.click()
    page.locator(f"#content-main form select[name={name}] option:checked", has_text=text).first.wait_for(
        state="attached"
    )
