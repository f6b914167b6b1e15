from rest_framework.pagination import CursorPagination


class PkCursorPagination(CursorPagination):
    """Stable pages whatever is added meanwhile: ordered by id, `?cursor=` from `next`."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
