"""How a sync item or a coordinator's action fails."""

from ..models import SyncItem

State = SyncItem.State


class ItemProblem(Exception):
    """An item that is not applied: quarantined, refused or held, with its code and message."""

    def __init__(self, state, code, message, result=None):
        super().__init__(message)
        self.state, self.code, self.message, self.result = state, code, message, result or {}


class ReviewError(ValueError):
    """A coordinator's action that cannot be done; the message is for them."""


def quarantine(code, message):
    return ItemProblem(State.QUARANTINED, code, message)
