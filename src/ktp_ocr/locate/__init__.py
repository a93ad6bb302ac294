"""Stage 2, locate and align: find the card, warp it upright, and remember how to map boxes back."""

from .align import RECHECK_SIDE, Alignment, align_card, carry_boxes, reorient
from .geometry import CARD_HEIGHT, CARD_WIDTH

__all__ = ["CARD_HEIGHT", "CARD_WIDTH", "RECHECK_SIDE", "Alignment", "align_card", "carry_boxes", "reorient"]
