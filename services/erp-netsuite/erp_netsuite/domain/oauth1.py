"""OAuth 1.0a request signing for NetSuite token-based authentication (HMAC-SHA256, realm = account id). Pure."""
from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit


def pct(value: str) -> str:
    """RFC 3986 percent-encoding, as OAuth 1.0a requires (only unreserved characters stay)."""
    return quote(str(value), safe="-._~")


def signature_base(method: str, url: str, oauth_params: dict[str, str]) -> str:
    parts = urlsplit(url)
    base_url = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, "", ""))
    params = list(parse_qsl(parts.query, keep_blank_values=True)) + list(oauth_params.items())
    normalized = "&".join(f"{k}={v}" for k, v in sorted((pct(k), pct(v)) for k, v in params))
    return "&".join([method.upper(), pct(base_url), pct(normalized)])


def sign(method: str, url: str, oauth_params: dict[str, str], consumer_secret: str, token_secret: str) -> str:
    key = f"{pct(consumer_secret)}&{pct(token_secret)}".encode()
    digest = hmac.new(key, signature_base(method, url, oauth_params).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def authorization_header(*, method: str, url: str, realm: str, consumer_key: str, consumer_secret: str,
                         token_id: str, token_secret: str, nonce: str, timestamp: int) -> str:
    oauth = {
        "oauth_consumer_key": consumer_key,
        "oauth_nonce": nonce,
        "oauth_signature_method": "HMAC-SHA256",
        "oauth_timestamp": str(timestamp),
        "oauth_token": token_id,
        "oauth_version": "1.0",
    }
    signature = sign(method, url, oauth, consumer_secret, token_secret)
    fields = [f'realm="{realm}"'] + [f'{k}="{pct(v)}"' for k, v in oauth.items()]
    fields.append(f'oauth_signature="{pct(signature)}"')
    return "OAuth " + ", ".join(fields)


def realm_of(account_id: str) -> str:
    """The OAuth realm is the account id in capitals with its underscore (1234567_SB1)."""
    return account_id.upper().replace("-", "_")


def rest_host(account_id: str) -> str:
    """The REST host uses the account id in lower case with a dash (1234567-sb1.suitetalk.api.netsuite.com)."""
    return f"https://{account_id.lower().replace('_', '-')}.suitetalk.api.netsuite.com"
