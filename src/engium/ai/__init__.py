"""Model access: embeddings, the model gateway (inference only) and the prompt-injection guard."""
