"""WeCom (企业微信) callback crypto: the published algorithm on `cryptography`.

Signature = sha1 of the sorted token, timestamp, nonce and ciphertext. The ciphertext is AES-256-CBC
with key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes and PKCS#7 padding to 32-byte
blocks (not AES's 16: a 16-byte unpadder rejects valid messages). The plaintext is 16 random bytes,
a 4-byte big-endian length, the message, then the receiveid (the corp id for a self-built app).

Errors are typed so the door can answer each with its own 4xx: a forged request (bad signature) is not
the same mistake as a message for another corp (receiveid mismatch) or a mangled body (malformed).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeCom's PKCS#7 block size


class WeComCryptoError(ValueError):
    """Base of the errors a callback request can raise; each maps to a 4xx."""


class BadSignature(WeComCryptoError):
    pass


class BadReceiveId(WeComCryptoError):
    """Decrypted fine, but for another corp id: a configuration mistake, not a forgery."""


class MalformedCiphertext(WeComCryptoError):
    pass


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode()).hexdigest()


# A signed callback older or newer than this is a replay (Slack uses the same 5 minutes).
REPLAY_WINDOW_S = 300


def fresh(timestamp: str, window_s: float = REPLAY_WINDOW_S) -> bool:
    """Whether a callback's signed `timestamp` (Unix seconds) is within `window_s` of now."""
    try:
        return abs(time.time() - int(timestamp)) <= window_s
    except ValueError:
        return False


def _pad(data: bytes) -> bytes:
    n = BLOCK - len(data) % BLOCK
    return data + bytes([n]) * n


def _unpad(data: bytes) -> bytes:
    if not data:
        raise MalformedCiphertext("empty plaintext")
    n = data[-1]
    if not 1 <= n <= BLOCK or data[-n:] != bytes([n]) * n:
        raise MalformedCiphertext("bad PKCS#7 padding")
    return data[:-n]


class WeComCrypto:
    def __init__(self, token: str, aes_key: str, receive_id: str) -> None:
        try:
            key = base64.b64decode(aes_key + "=", validate=True)
        except binascii.Error as exc:
            raise ValueError("EncodingAESKey is not base64") from exc
        if len(aes_key) != 43 or len(key) != 32:
            raise ValueError("EncodingAESKey must be 43 characters (32 bytes once decoded)")
        self.token = token
        self.receive_id = receive_id
        self._key = key

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def check_signature(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        expected = signature(self.token, timestamp, nonce, encrypt)
        if not hmac.compare_digest(expected.encode(), (msg_signature or "").lower().encode()):
            raise BadSignature("msg_signature does not match")

    def decrypt(self, encrypt: str) -> str:
        """The message inside `encrypt`; raises MalformedCiphertext or BadReceiveId."""
        try:
            raw = base64.b64decode(encrypt, validate=True)
        except binascii.Error as exc:
            raise MalformedCiphertext("ciphertext is not base64") from exc
        if not raw or len(raw) % 16:
            raise MalformedCiphertext("ciphertext length is not a multiple of the AES block")
        decryptor = self._cipher().decryptor()
        plain = _unpad(decryptor.update(raw) + decryptor.finalize())
        if len(plain) < 20:
            raise MalformedCiphertext("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise MalformedCiphertext("declared message length exceeds the plaintext")
        message, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(receive_id, self.receive_id.encode()):
            raise BadReceiveId("message is for another corp id")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedCiphertext("message is not UTF-8") from exc

    def verify_and_decrypt(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
        self.check_signature(msg_signature, timestamp, nonce, encrypt)
        return self.decrypt(encrypt)

    def encrypt(self, message: str, random16: bytes | None = None) -> str:
        """Base64 ciphertext of `message`, as WeCom builds it (used for passive replies and tests)."""
        body = message.encode("utf-8")
        plain = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body + self.receive_id.encode()
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(_pad(plain)) + encryptor.finalize()).decode()
