"""Errors the service layer raises; each message names what is wrong for the user."""


class ServiceError(Exception):
    """Base for errors a caller can show to a person."""


class NotFound(ServiceError):
    pass


class ConflictError(ServiceError):
    """Someone else changed the instance first; nothing was written."""


class TaskAlreadyCompleted(ConflictError):
    pass


class InvalidData(ServiceError):
    """Refused input; `errors` maps each field to what is wrong with it."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}

    @classmethod
    def on(cls, field: str, message: str) -> "InvalidData":
        """One field refused: `raise InvalidData.on("address", "Enter an e-mail address")`."""
        return cls(message, {field: message})


class SpecError(ServiceError):
    """A BPMN or DMN file was refused; the message names the file and the element."""


class ClockError(ServiceError):
    pass


class ScriptFailed(ServiceError):
    """A diagram's script or expression failed at run time; the instance is left as it was."""
