"""rnncore: the numbers behind the RNN guide (numpy and the standard library only)."""
from .statquest import STATQUEST, Step, Trace, Weights, unroll

__all__ = ["STATQUEST", "Step", "Trace", "Weights", "unroll"]
__version__ = "0.1.0"
