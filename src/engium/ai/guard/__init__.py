"""The prompt-injection guard (promise P3: customer text never becomes system instructions).

The conversation engine calls, in order: ``sanitise`` every untrusted text; ``Detector.score`` it (a
signal, never the only gate); ``build_messages`` to keep the tenant's policy, the customer's turns and
fenced data apart; and ``check_reply`` on the model's answer before anyone sees it. See
docs/adr/0012-prompt-injection-guard.md.
"""

from engium.ai.guard.detector import DEFAULT_THRESHOLD, Detection, Detector
from engium.ai.guard.output_guard import OutputContext, OutputFinding, OutputVerdict, check_reply
from engium.ai.guard.sanitiser import SanitisedText, sanitise
from engium.ai.guard.separation import DataBlock, PromptMessage, build_messages, new_canary

__all__ = [
    "DEFAULT_THRESHOLD",
    "DataBlock",
    "Detection",
    "Detector",
    "OutputContext",
    "OutputFinding",
    "OutputVerdict",
    "PromptMessage",
    "SanitisedText",
    "build_messages",
    "check_reply",
    "new_canary",
    "sanitise",
]
