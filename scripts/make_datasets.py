"""Write the two conformance datasets, deterministically.

    python scripts/make_datasets.py [--out DIR]     (default DIR: conformance/data)

Everything comes from `random.Random(SEED)`: no clock, no uuid4, no set
iteration. A re-run rewrites both files byte for byte, so the committed files
are exactly this script's output and are never edited by hand.

The data is built to catch wrong implementations, not to look pretty:
messages are inserted in shuffled order with random ids (so insertion order
and id order are both wrong orders), several messages share a `created_at`
(so the tie-break shows), some timestamps carry a non-UTC offset (so sorting
the strings is wrong), and contents stress JSON and Unicode handling.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reference.tokens import issue  # noqa: E402 - the reference issues the org-token dataset's tokens

SEED = 20241115
DEFAULT_OUT = ROOT / "conformance" / "data"
FILES = {"tenant-key": "dataset.json", "org-token": "org-dataset.json"}

UTC = timezone.utc
PLUS_2 = timezone(timedelta(hours=2))
MINUS_5 = timezone(timedelta(hours=-5))


# ---------------------------------------------------------------- timestamps


@dataclass(frozen=True)
class Stamp:
    """One `created_at`: an instant and how it is written."""

    instant: datetime
    zone: timezone = UTC
    digits: int = 0  # fractional-second digits written (0 = none)

    def text(self) -> str:
        local = self.instant.astimezone(self.zone)
        out = local.strftime("%Y-%m-%dT%H:%M:%S")
        if self.digits:
            # the instant never has more precision than is written
            out += "." + f"{local.microsecond:06d}000"[: self.digits]
        if self.zone is UTC:
            return out + "Z"
        offset = local.strftime("%z")
        return f"{out}{offset[:3]}:{offset[3:]}"


# Written forms, weighted. Digits 3 and 6 are the usual ones; 2 and 9 are what
# Go's RFC3339Nano produces (trailing zeros trimmed, nanoseconds).
STYLES_MAIN = [(UTC, 0)] * 76 + [(UTC, 3)] * 10 + [(UTC, 6)] * 5 + [(PLUS_2, 0)] * 5 + [(PLUS_2, 3)] + [(MINUS_5, 0)] * 3
STYLES_ORG = [(UTC, 0)] * 80 + [(UTC, 3)] * 8 + [(UTC, 2)] * 4 + [(UTC, 9)] * 3 + [(PLUS_2, 0)] * 5


def fraction(rng: random.Random, digits: int) -> int:
    """Microseconds that `digits` fractional digits can write exactly (nanoseconds are padding)."""
    if digits == 0:
        return 0
    unit = 10 ** (6 - min(digits, 6))
    return rng.randint(1, 10**6 // unit - 1) * unit


def timeline(
    rng: random.Random,
    start: datetime,
    count: int,
    ties: list[int],
    styles: list[tuple[timezone, int]],
    mixed_tie: bool = False,
) -> list[Stamp]:
    """`count` stamps in chronological order.

    `ties` are sizes of groups sharing one identical `created_at` string;
    `mixed_tie` adds a pair with one instant written as `Z` and as `+02:00`.
    Distinct instants are at least 2 s apart, so truncating to milliseconds
    never merges or reorders them.
    """
    groups: list[list[tuple[timezone, int]] | None] = [[(UTC, 0)] * size for size in ties]
    if mixed_tie:
        groups.append([(UTC, 0), (PLUS_2, 0)])
    groups += [None] * (count - sum(len(g) for g in groups if g))
    rng.shuffle(groups)
    stamps: list[Stamp] = []
    moment = start
    for group in groups:
        # chat rhythm: mostly seconds to minutes apart, sometimes hours
        gap = rng.randint(3600, 36000) if rng.random() < 0.08 else rng.randint(2, 300)
        moment += timedelta(seconds=gap)
        if group is None:
            zone, digits = rng.choice(styles)
            stamps.append(Stamp(moment + timedelta(microseconds=fraction(rng, digits)), zone, digits))
        else:
            stamps += [Stamp(moment, zone, digits) for zone, digits in group]
    return stamps


# ---------------------------------------------------------------- contents

USER_LINES = [
    "Hello, I need help with my account",
    "I can't log into my account. It says my password is incorrect.",
    "The export button does nothing when I click it.",
    "Can you summarise this conversation for me?",
    "How do I change the billing address on my invoice?",
    "It worked, thanks!",
    "That didn't help, the error is still there.",
    "Which plan includes the API?",
    "Can I get a refund for last month?",
    "Please translate the previous answer into Spanish.",
    "Is there a limit on how many files I can upload?",
    "ok",
]
ASSISTANT_LINES = [
    "I'd be happy to help you with your account! What specific issue are you experiencing?",
    "Let's start by resetting your password. Click \"Forgot password\" on the sign-in page.",
    "Could you tell me which browser and version you are using?",
    "The export runs in the background; you will receive an e-mail when the file is ready.",
    "Billing addresses can be changed under Settings → Billing.",
    "Here is a short summary:\n- you could not sign in\n- we reset the password\n- it works now",
    "The API is included in the Pro and Enterprise plans.",
    "Refunds are handled by our billing team; I have opened a ticket for you.",
    "Claro, aquí está la respuesta en español.",
    "You can upload up to 20 files at a time, 25 MB each.",
]

# Each appears once in the populated chat; each stresses a different layer.
SPECIAL_CONTENTS = [
    "",  # empty string
    "   ",  # whitespace only
    "Thanks! 👍🎉🙏",
    "Family 👨‍👩‍👧‍👦, developer 👩🏽‍💻, flag 🏳️‍🌈, keycap 1️⃣",  # ZWJ sequences, modifiers
    "你好，我的账户无法登录。请帮帮我。",
    "日本語のメッセージです。よろしくお願いします。",
    "한국어로 답변해 주세요.",
    "مرحبا، أحتاج إلى مساعدة في حسابي",  # Arabic, right to left
    "שלום, יש לי שאלה לגבי החשבון שלי",  # Hebrew, right to left
    "Order #4521: تم الشحن ✅ (shipped)",  # mixed direction
    "Cafe\u0301 vs Caf\u00e9: the same word, different code points",  # combining acute
    "Z\u0351\u0368a\u0364l\u0310g\u0344o text with stacked combining marks",
    "She said \"it's fine\" and then 'left'",
    "Path C:\\Users\\me\\notes.txt and regex \\d+\\.\\w* and a lone \\",
    "line one\nline two\n\tindented with a tab\r\nwindows line ending",
    "{\"looks\": \"like JSON\", \"but\": [\"is\", \"a string\"]}",
    "<script>alert('x')</script> &amp; &lt;b&gt;",
    "JavaScript-hostile separators: \u2028 and \u2029 end here",
    "Math: ∑ x² ≤ ∞, ½ ≠ 0.5?",
]
LONG_WORDS = ["lorem", "ipsum", "dolor", "sit", "amet", "naïve", "façade", "日本", "مرحبا", "😀", "data", "export", "token"]

USER_META: list[dict[str, Any]] = [
    {},
    {"user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0"},
    {"client": {"app": "web", "tags": ["a", "b"]}},
    {"client": {"app": "ios", "version": "5.2.1", "tags": []}, "locale": "ar-EG"},
    {"source": "email", "reply_to": None, "verified": True},
]
ASSISTANT_META: list[dict[str, Any]] = [
    {},
    {"model": "gpt-4", "tokens_used": 87},
    {"model": "gpt-4o", "tokens_used": 412, "temperature": 0.7, "latency_ms": 812.5, "cached": False},
    {"model": "gpt-4o", "tool_calls": [{"name": "lookup_order", "arguments": {"order_id": 4521}}], "finish_reason": "stop"},
    {"model": "gpt-4o-mini", "citations": None, "safety": {"flagged": False, "score": 0.0125}},
    {"model": "gpt-4", "tokens_used": 0, "usage": {"prompt": 1200, "completion": 64, "ratio": 18.75}},
]


def long_content(rng: random.Random, at_least: int = 20_480) -> str:
    """Random words in paragraphs until the text passes `at_least` characters."""
    words: list[str] = []
    length = 0
    while length < at_least:
        word = rng.choice(LONG_WORDS) + ("\n\n" if rng.random() < 0.02 else "")
        words.append(word)
        length += len(word) + 1
    return " ".join(words)


def random_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def api_key(rng: random.Random, prefix: str) -> str:
    return prefix + f"{rng.getrandbits(160):040x}"


def org_token(rng: random.Random, org: str) -> str:
    """A JWT as seed 002 describes ("JWT invalid/missing or Org ID not found"): HS256, naming its organisation."""
    return issue({"org_id": org, "jti": api_key(rng, "")})


def media(rng: random.Random) -> tuple[str | None, str | None]:
    """Both null mostly; both set sometimes, never one without the other."""
    roll = rng.random()
    if roll < 0.08:
        return "image", f"https://example.com/media/{rng.getrandbits(32):08x}/screenshot-{rng.randint(1, 99)}.png"
    if roll < 0.12:
        return "file", f"https://example.com/media/{rng.getrandbits(32):08x}/invoice-2024-{rng.randint(1, 12):02d}.pdf"
    return None, None


# ---------------------------------------------------------------- tenant-key


def tenant_key_chat(
    rng: random.Random, start: datetime, count: int, ties: list[int], specials: list[str], mixed_tie: bool = False
) -> dict[str, Any]:
    stamps = timeline(rng, start, count, ties, STYLES_MAIN, mixed_tie)
    special_at = dict(zip(rng.sample(range(count), len(specials)), specials))
    messages = []
    for index, stamp in enumerate(stamps):
        role = "user" if (index % 2 == 0) != (rng.random() < 0.2) else "assistant"
        lines, metas = (USER_LINES, USER_META) if role == "user" else (ASSISTANT_LINES, ASSISTANT_META)
        media_type, media_url = media(rng)
        messages.append(
            {
                "id": "msg-" + random_uuid(rng),
                "content": special_at.get(index, rng.choice(lines)),
                "sender_role": role,
                "media_type": media_type,
                "media_url": media_url,
                "created_at": stamp.text(),
                "metadata": copy.deepcopy(rng.choice(metas)),  # shared dicts would alias in the output
            }
        )
    rng.shuffle(messages)  # insertion order is not chronological
    return {"id": random_uuid(rng), "messages": messages}


def tenant_key_dataset(rng: random.Random) -> dict[str, Any]:
    keys = {"primary": api_key(rng, "tk_live_"), "foreign": api_key(rng, "tk_live_")}
    day = datetime(2024, 3, 8, 9, 0, tzinfo=UTC)
    chats = {
        "populated": tenant_key_chat(rng, day, 240, [2, 3, 4, 5, 3, 2], SPECIAL_CONTENTS + [long_content(rng)], True),
        "hundred": tenant_key_chat(rng, day + timedelta(days=2), 100, [2, 3], []),
        "other": tenant_key_chat(rng, day + timedelta(minutes=17), 15, [2], ["Thanks! 👍"]),
        "empty": {"id": random_uuid(rng), "messages": []},
        "foreign": tenant_key_chat(rng, day + timedelta(minutes=5), 12, [2], ["مرحبا"]),
    }
    return document("tenant-key", keys, chats)


# ---------------------------------------------------------------- org-token

ORG_SPECIALS = SPECIAL_CONTENTS[:15]  # the short ones: 40 messages leave room for ordinary text


def org_chat(
    rng: random.Random, chat_id: int, ids: list[int], start: datetime, count: int, ties: list[int], specials: list[str]
) -> dict[str, Any]:
    stamps = timeline(rng, start, count, ties, STYLES_ORG)
    special_at = dict(zip(rng.sample(range(count), len(specials)), specials))
    messages = []
    for index, stamp in enumerate(stamps):
        role = "user" if (index % 2 == 0) != (rng.random() < 0.2) else "assistant"
        lines = USER_LINES if role == "user" else ASSISTANT_LINES
        # users wait for nobody: 0 ms; answers take a while, sometimes fractional
        response_time = 0 if role == "user" else rng.choice([rng.randint(150, 4000), rng.randint(300, 8000) / 4])
        messages.append(
            {
                "id": ids.pop(),
                "chat_id": chat_id,
                "role": role,
                "content": special_at.get(index, rng.choice(lines)),
                "created_at": stamp.text(),
                "metadata": {"response_time": response_time, "token_count": rng.randint(1, 900)},
            }
        )
    rng.shuffle(messages)
    return {"id": chat_id, "messages": messages}


def org_token_dataset(rng: random.Random) -> dict[str, Any]:
    keys = {name: org_token(rng, name) for name in ("primary", "foreign")}
    chat_ids = rng.sample(range(1000, 100_000), 4)
    ids = rng.sample(range(100_000, 1_000_000), 58)  # unique across the dataset, unrelated to time
    day = datetime(2024, 5, 2, 14, 0, tzinfo=UTC)
    chats = {
        # one long message: a text column cut at 255 or 1024 characters is a real defect
        "populated": org_chat(rng, chat_ids[0], ids, day, 40, [2, 3, 2], ORG_SPECIALS + [long_content(rng, 2048)]),
        "other": org_chat(rng, chat_ids[1], ids, day + timedelta(minutes=9), 10, [2], []),
        "empty": {"id": chat_ids[2], "messages": []},
        "foreign": org_chat(rng, chat_ids[3], ids, day + timedelta(minutes=3), 8, [], ["שלום"]),
    }
    return document("org-token", keys, chats)


# ---------------------------------------------------------------- output


def document(profile: str, keys: dict[str, str], chats: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "description": f"Conformance dataset, {profile} profile. Generated by scripts/make_datasets.py; do not edit.",
        "tenants": {name: {"api_key": key} for name, key in keys.items()},
        "chats": [
            {"id": chat["id"], "tenant": "foreign" if role == "foreign" else "primary", "messages": chat["messages"]}
            for role, chat in chats.items()
        ],
        "roles": {role: chat["id"] for role, chat in chats.items()},
    }


def render(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


BUILDERS: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "tenant-key": tenant_key_dataset,
    "org-token": org_token_dataset,
}


def write_all(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)  # one stream, files built in a fixed order
    written = []
    for profile, build in BUILDERS.items():
        path = out / FILES[profile]
        path.write_bytes(render(build(rng)))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory to write into (default: %(default)s)")
    args = parser.parse_args(argv)
    for path in write_all(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
