"""Cost of the credentials vault: AES-256-GCM per credential, and unwrapping a data key.

* ``encrypt``/``decrypt``: :class:`EnvelopeCipher` on a 64-byte secret with its associated data
  (the work per credential once the data key is in memory).
* ``unwrap``: a data key unwrapped by the root key (key-file provider), i.e. a key-cache miss. With a
  cloud KMS this is a network round trip instead, which is why the key ring caches unwrapped keys.
* ``--database``: the same through :class:`DataKeyRing` with a real session (embedded PostgreSQL),
  including the data-key row lookup every call makes (so a deleted key stops working at once).

    .venv/bin/python bench/crypto.py [--quick] [--iterations N] [--database]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import emit, machine_info, percentile, setup_logging
from engium import provisioning
from engium.crypto.envelope import CipherContext, EnvelopeCipher
from engium.crypto.keyfile import KEY_FILE_NAME, KeyFileProvider
from engium.crypto.keyring import wrap_context
from engium.crypto.secret import SecretBytes
from engium.tenancy.binding import tenant_transaction


def summarize_us(samples_ns: Sequence[int]) -> dict[str, float | int]:
    values = sorted(v / 1e3 for v in samples_ns)
    return {
        "n": len(values),
        "p50_us": round(percentile(values, 50), 2),
        "p99_us": round(percentile(values, 99), 2),
        "mean_us": round(sum(values) / len(values), 2),
    }


def timed(iterations: int, call: Callable[[int], object]) -> list[int]:
    for i in range(min(200, iterations)):  # warm-up: imports, OpenSSL context set-up
        call(i)
    samples = []
    for i in range(iterations):
        started = time.perf_counter_ns()
        call(i)
        samples.append(time.perf_counter_ns() - started)
    return samples


def in_memory(iterations: int, tmp: Path) -> dict[str, Any]:
    data_key = SecretBytes(os.urandom(32))
    secret = SecretBytes(os.urandom(32).hex().encode())
    tenant = uuid.uuid4()
    contexts = [CipherContext(tenant, "integration_credentials", "ciphertext", str(uuid.uuid4())) for _ in range(64)]
    sealed = [EnvelopeCipher.seal(data_key, 1, c, secret) for c in contexts]
    provider = KeyFileProvider(tmp / KEY_FILE_NAME)
    wrapped = provider.wrap(data_key, wrap_context(tenant, 1))
    return {
        "encrypt": summarize_us(
            timed(iterations, lambda i: EnvelopeCipher.seal(data_key, 1, contexts[i % 64], secret))
        ),
        "decrypt": summarize_us(
            timed(iterations, lambda i: EnvelopeCipher.open(data_key, contexts[i % 64], sealed[i % 64]))
        ),
        "unwrap_data_key": summarize_us(timed(iterations, lambda i: provider.unwrap(wrapped, wrap_context(tenant, 1)))),
    }


def with_database(iterations: int, tmp: Path) -> dict[str, Any]:
    from engium.config import Settings
    from engium.identity.credentials import PasswordHashing
    from engium.kit.database import Database
    from engium.runtime import Runtime

    database = Database.open(app_url=None, owner_url=None, data_dir=tmp / "data", pool_size=2)
    try:
        database.migrate()
        runtime = Runtime(settings=Settings(data_dir=tmp / "data"), database=database)
        with database.transaction() as session:
            tenant = provisioning.provision_tenant(
                session, PasswordHashing(), name="Bench", owner_email="bench@example.com", owner_password=None
            ).tenant_id
        context = CipherContext(tenant, "integration_credentials", "ciphertext", str(uuid.uuid4()))
        secret = SecretBytes(os.urandom(32).hex().encode())
        with tenant_transaction(database, tenant) as session:
            sealed = runtime.vault.encrypt(session, context, secret)
            # One transaction for all samples: we time the vault, not BEGIN/COMMIT.
            encrypt = timed(iterations, lambda _: runtime.vault.encrypt(session, context, secret))
            decrypt = timed(iterations, lambda _: runtime.vault.decrypt(session, context, sealed))
        return {"keyring_encrypt": summarize_us(encrypt), "keyring_decrypt": summarize_us(decrypt)}
    finally:
        database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    parser.add_argument("--iterations", type=int, default=None)
    parser.add_argument("--database", action="store_true", help="also time DataKeyRing against PostgreSQL")
    args = parser.parse_args()
    setup_logging()
    iterations = args.iterations or (2_000 if args.quick else 20_000)
    with tempfile.TemporaryDirectory(prefix="engium-bench-crypto-") as raw:
        tmp = Path(raw)
        results = in_memory(iterations, tmp)
        if args.database:
            results.update(with_database(min(iterations, 2_000), tmp))
    emit({"benchmark": "crypto", "iterations": iterations, "secret_bytes": 64, **results, "machine": machine_info()})


if __name__ == "__main__":
    main()
