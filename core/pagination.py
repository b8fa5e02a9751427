"""Long lists shown a page at a time, with the GOV.UK pagination component.

`paginate` reads one page of rows (two queries for a queryset: the count and the page) and
returns what `templates/includes/pagination.html` needs, with every link keeping the page's
filters: the view reads, the template only shows.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator

PER_PAGE = 50


@dataclass(frozen=True)
class PageLink:
    """A numbered link, or a gap (``number`` None) shown as an ellipsis."""

    number: int | None
    url: str = ""
    is_current: bool = False

    @property
    def is_ellipsis(self) -> bool:
        return self.number is None


@dataclass(frozen=True)
class Pagination:
    items: list
    number: int
    num_pages: int
    count: int
    first_index: int
    last_index: int
    previous_url: str
    next_url: str
    links: list[PageLink]
    label: str

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1


def page_numbers(current: int, last: int) -> list[int | None]:
    """The page numbers to show: the first, the last, the current one and its neighbours,
    with None where pages are left out (as the GOV.UK pattern does)."""
    wanted = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - numbers[-1] == 2:
            numbers.append(number - 1)  # a gap of one page shows the page rather than an ellipsis
        elif numbers and number - numbers[-1] > 2:
            numbers.append(None)
        numbers.append(number)
    return numbers


def page_url(request, number: int) -> str:
    """This page's address for another page, its filters kept; the first page has no number."""
    query = request.GET.copy()
    query.pop("page", None)
    if number > 1:
        query["page"] = str(number)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path


def paginate(request, queryset_or_list, per_page: int = PER_PAGE, *, label: str = "Pages") -> Pagination:
    """The page of rows the request asks for (``?page=``); a page out of range shows the last one.

    ``label`` names the list for screen readers ("Pages of the audit log").
    """
    page = Paginator(queryset_or_list, per_page).get_page(request.GET.get("page"))
    last = page.paginator.num_pages
    return Pagination(
        items=list(page.object_list),
        number=page.number,
        num_pages=last,
        count=page.paginator.count,
        first_index=page.start_index(),
        last_index=page.end_index(),
        previous_url=page_url(request, page.number - 1) if page.has_previous() else "",
        next_url=page_url(request, page.number + 1) if page.has_next() else "",
        links=[
            PageLink(number=None)
            if number is None
            else PageLink(number=number, url=page_url(request, number), is_current=number == page.number)
            for number in page_numbers(page.number, last)
        ],
        label=label,
    )
