"""What each source of a subprocessor means for the data: who receives which categories, why and where.

Three sources make up a tenant's effective register:

* the operator's declared subprocessors (``ENGIUM_SUBPROCESSORS``) and announced ones once effective;
* the remote model and embedding endpoints the operator configured (``ENGIUM_AI_*``,
  ``ENGIUM_EMBEDDINGS_*``): every tenant's conversations reach them, so they are operator-level;
* the tenant's own enabled integrations (:data:`INTEGRATION_PROCESSORS`, by credential kind).

A widget key and a webhook endpoint are not subprocessors: the widget is this server, and an endpoint is the
business's own system (the record of processing lists those as recipients).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Processor:
    key: str
    name: str
    purpose: str
    location: str
    data_categories: tuple[str, ...]


INTEGRATION_PROCESSORS: dict[str, Processor] = {
    "twilio": Processor("integration:twilio", "Twilio Inc.", "Sends and receives the business's SMS messages",
                        "United States", ("communications", "contact_details")),
    "whatsapp": Processor("integration:whatsapp", "Meta Platforms Ireland Ltd. (WhatsApp Cloud API)",
                          "Sends and receives the business's WhatsApp messages", "European Union / United States",
                          ("communications", "contact_details")),
    "model_provider": Processor("integration:model_provider", "The business's own model provider account",
                                "Generates the assistant's replies (inference only)",
                                "As agreed between the business and its provider", ("communications",)),
    "smtp": Processor("integration:smtp", "The business's own e-mail (SMTP) provider",
                      "Sends the business's e-mails to its customers",
                      "As agreed between the business and its provider",
                      ("communications", "contact_details")),
    "mailgun": Processor("integration:mailgun", "Mailgun Technologies, Inc.",
                         "Receives customers' e-mails to the business and forwards them here", "United States / "
                         "European Union", ("communications", "contact_details")),
}


@dataclass(frozen=True)
class RemoteModels:
    """The operator's model gateway and embedding settings, as far as the register needs them."""

    provider: str  # grounded | openai | anthropic | llama-cpp
    base_url: str
    redacts_personal_data: bool
    embeddings_provider: str  # local | openai
    embeddings_base_url: str


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def model_processors(models: RemoteModels) -> list[Processor]:
    """The remote endpoints prompts and texts leave this server for; none with the local defaults."""
    found: list[Processor] = []
    if models.provider in ("openai", "anthropic"):
        categories = ("communications",) if models.redacts_personal_data else ("communications", "contact_details",
                                                                              "identity")
        found.append(Processor(f"model:{models.provider}", f"Model endpoint at {_host(models.base_url)}",
                               "Generates the assistant's replies: inference only, no training on the data",
                               f"Host {_host(models.base_url)}", categories))
    if models.embeddings_provider == "openai":
        found.append(Processor("embeddings:openai", f"Embedding endpoint at {_host(models.embeddings_base_url)}",
                               "Turns knowledge documents and customers' questions into vectors",
                               f"Host {_host(models.embeddings_base_url)}", ("communications",)))
    return found
