from xieshang.core.paging import counted_page


def test_a_counted_page_is_clamped_as_get_page_does():
    assert counted_page("2", 65, 30).number == 2
    assert counted_page("abc", 65, 30).number == 1
    assert counted_page(None, 65, 30).number == 1
    assert counted_page("99", 65, 30).number == 3
    page = counted_page("3", 65, 30, ["a"])
    assert page.paginator.num_pages == 3 and list(page) == ["a"] and not page.has_next()
    assert counted_page("1", 0, 30).paginator.num_pages == 1
