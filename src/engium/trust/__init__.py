"""The trust centre: the live subprocessor register and the DPA generated from the running system."""
