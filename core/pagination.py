"""Paging long lists with the GOV.UK pagination component, keeping the page's filters.

A view calls ``paginate(request, items)`` and hands the result to
``templates/includes/pagination.html``; the links keep every other query
parameter (the filters) and change only ``page``.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50
PAGE_PARAMETER = "page"


@dataclass(frozen=True)
class PageLink:
    """One item of the pagination list: a page number, or an ellipsis between numbers."""

    number: int | None
    href: str = ""
    is_current: bool = False

    @property
    def is_ellipsis(self) -> bool:
        return self.number is None


@dataclass(frozen=True)
class Pagination:
    """A page of a list and the links around it."""

    page: Page
    links: list[PageLink] = field(default_factory=list)
    previous_href: str = ""
    next_href: str = ""

    @property
    def items(self) -> list:
        return list(self.page.object_list)

    @property
    def is_paged(self) -> bool:
        return self.page.paginator.num_pages > 1

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def first_shown(self) -> int:
        return self.page.start_index()

    @property
    def last_shown(self) -> int:
        return self.page.end_index()


def page_href(query, number: int) -> str:
    """A link to this page number, keeping the other parameters of the query."""
    query = query.copy()
    query[PAGE_PARAMETER] = str(number)
    return f"?{query.urlencode()}"


def page_numbers(current: int, last: int) -> list[int | None]:
    """The first, the last, and the current page with its neighbours; None where numbers are skipped."""
    wanted = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def paginate(request, items: Sequence, *, per_page: int = PAGE_SIZE) -> Pagination:
    """The requested page of ``items`` (a list or a queryset); a page out of range shows the nearest."""
    page = Paginator(items, per_page).get_page(request.GET.get(PAGE_PARAMETER))
    query = request.GET
    last = page.paginator.num_pages
    links = [
        PageLink(number=number)
        if number is None
        else PageLink(number=number, href=page_href(query, number), is_current=number == page.number)
        for number in page_numbers(page.number, last)
    ]
    return Pagination(
        page=page,
        links=links if last > 1 else [],
        previous_href=page_href(query, page.number - 1) if page.has_previous() else "",
        next_href=page_href(query, page.number + 1) if page.has_next() else "",
    )
