"""WeCom callback crypto on Tencent's published sample vectors, plus round trips and every rejection."""

from __future__ import annotations

import base64
import struct

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.wecom_crypto import BadReceiveId, BadSignature, MalformedCiphertext, WeComCrypto, signature

TOKEN, CORP_ID, AES_KEY = "QDG6eK", "wx5823bf96d3bd56c7", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
VERIFY = {"msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "timestamp": "1409659589",
          "nonce": "263014780",
          "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="}
MESSAGE = {"msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6", "timestamp": "1409659813",
           "nonce": "1372623149",
           "encrypt": "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj9"
                      "11L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06D"
                      "OdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH"
                      "03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6"
                      "BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN"
                      "+E7Q=="}


@pytest.fixture
def crypto() -> WeComCrypto:
    return WeComCrypto(TOKEN, AES_KEY, CORP_ID)


def test_official_url_verification_vector(crypto: WeComCrypto) -> None:
    v = VERIFY
    assert crypto.verify_and_decrypt(v["msg_signature"], v["timestamp"], v["nonce"], v["echostr"]) \
        == "1616140317555161061"


def test_official_message_vector(crypto: WeComCrypto) -> None:
    m = MESSAGE
    xml = crypto.verify_and_decrypt(m["msg_signature"], m["timestamp"], m["nonce"], m["encrypt"])
    assert "<Content><![CDATA[hello]]></Content>" in xml
    assert "<FromUserName><![CDATA[mycreate]]></FromUserName>" in xml and "<AgentID>218</AgentID>" in xml


def test_signature_is_sha1_of_the_sorted_parts() -> None:
    assert signature(TOKEN, VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"]) == VERIFY["msg_signature"]


@pytest.mark.parametrize("field", ["msg_signature", "timestamp", "nonce", "echostr"])
def test_any_tampered_field_is_a_bad_signature(crypto: WeComCrypto, field: str) -> None:
    v = dict(VERIFY)
    v[field] = v[field][:-2] + ("00" if not v[field].endswith("00") else "11")
    with pytest.raises(BadSignature):
        crypto.verify_and_decrypt(v["msg_signature"], v["timestamp"], v["nonce"], v["echostr"])


def test_wrong_corp_id_is_its_own_error_not_a_bad_signature() -> None:
    other = WeComCrypto(TOKEN, AES_KEY, "wwsomeothercorp")
    m = MESSAGE
    with pytest.raises(BadReceiveId):
        other.verify_and_decrypt(m["msg_signature"], m["timestamp"], m["nonce"], m["encrypt"])


@pytest.mark.parametrize("text", ["", "hello", "哪个区的行政复议案件最多？", "x" * 31, "y" * 32, "长" * 700])
def test_encrypt_decrypt_round_trip(crypto: WeComCrypto, text: str) -> None:
    encrypted = crypto.encrypt(text)
    assert len(base64.b64decode(encrypted)) % 32 == 0  # padded to WeCom's 32-byte blocks
    assert crypto.decrypt(encrypted) == text


def test_padding_runs_to_32_bytes_not_16(crypto: WeComCrypto) -> None:
    """A plaintext one byte short of a 32-byte boundary past 16 takes 17+ bytes of padding; we must accept it."""
    body_len = 32 * 3 - 16 - 4 - len(CORP_ID) - 17  # leaves 17 bytes of padding, more than AES's block
    text = "z" * body_len
    raw = base64.b64decode(crypto.encrypt(text))
    key = base64.b64decode(AES_KEY + "=")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(raw) + decryptor.finalize()
    assert plain[-1] == 17 and crypto.decrypt(base64.b64encode(raw).decode()) == text


def _encrypt_raw(plain: bytes) -> str:
    key = base64.b64decode(AES_KEY + "=")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


@pytest.mark.parametrize("encrypt", [
    "not base64 at all!",
    base64.b64encode(b"short").decode(),  # not a whole AES block
    _encrypt_raw(b"\x00" * 32),  # padding byte 0
    _encrypt_raw(b"\x00" * 31 + b"\x21"),  # padding longer than WeCom's block
    _encrypt_raw(b"r" * 16 + struct.pack(">I", 9999) + b"hi" + b"\x0a" * 10),  # length past the end
])
def test_malformed_ciphertext_is_rejected_with_a_typed_error(crypto: WeComCrypto, encrypt: str) -> None:
    with pytest.raises(MalformedCiphertext):
        crypto.decrypt(encrypt)


def test_bad_aes_key_is_refused_at_construction() -> None:
    with pytest.raises(ValueError):
        WeComCrypto(TOKEN, AES_KEY[:-1], CORP_ID)


def test_matches_wechatpy_when_installed(crypto: WeComCrypto) -> None:
    """Cross-check against wechatpy's implementation (a test-only extra; skipped without it)."""
    wechatpy_crypto = pytest.importorskip("wechatpy.work.crypto")
    theirs = wechatpy_crypto.WeChatCrypto(TOKEN, AES_KEY, CORP_ID)
    m = MESSAGE
    assert theirs.decrypt_message(_envelope(m["encrypt"]), m["msg_signature"], m["timestamp"], m["nonce"]) \
        == crypto.decrypt(m["encrypt"])
    ours = crypto.encrypt("<xml><Content>问</Content></xml>")
    sig = signature(TOKEN, "1", "n", ours)
    assert "问" in theirs.decrypt_message(_envelope(ours), sig, "1", "n")


def _envelope(encrypt: str) -> str:
    return f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
