"""The child's own page before a looked-after review (docs/domain.md V3)."""

from service.models import LinkPurpose

from . import bp, current_link


@bp.route("/p/my-page", methods=["GET", "POST"])
def my_page():
    current_link(LinkPurpose.CHILD_PAGE, open_after=True)
    return "my page"
