"""The JSON endpoints this issue needs: health, and the clock in demo and test mode."""
from datetime import datetime

from flask import Blueprint, abort, current_app, jsonify, request

from . import clock, timers
from .errors import ClockError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/health")
def health():
    return jsonify(status="ok", mode=current_app.config["IRO_MODE"], now=clock.now().isoformat())


@bp.post("/clock")
def move_clock():
    """Move the application clock and fire what became due. 404 in production mode."""
    if current_app.config["IRO_MODE"] == "production":
        abort(404)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != {"now"}:
        return jsonify(error='send {"now": "<ISO 8601 instant with a UTC offset>"} and nothing else'), 422
    try:
        target = datetime.fromisoformat(body["now"])
        fired = timers.move_clock(target, actor="api")
    except (TypeError, ValueError):
        return jsonify(error=f"now: {body['now']!r} is not an ISO 8601 instant"), 422
    except ClockError as exc:
        return jsonify(error=str(exc)), 409
    return jsonify(now=clock.now().isoformat(), instances_moved_on=fired)
