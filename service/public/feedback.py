"""Parents' and family members' feedback after a conference (docs/domain.md V2)."""

from service.models import LinkPurpose

from . import bp, current_link


@bp.route("/p/feedback", methods=["GET", "POST"])
def feedback():
    current_link(LinkPurpose.CONFERENCE_FEEDBACK)
    return "feedback"
