"""What makes each segment, in words: the features that set it apart most (standardised
difference from the other customers) and a rule a CRM filter can use, with its precision and
coverage (``algorithms.explain``); and the mix of an encoded category, which no scatter axis
shows. Compare's profile and the persona cards both say it this way.
"""

from algorithms.profiling import short_name

MAX_MIX_LEVELS = 6


def top_features_text(record: dict) -> str:
    """'Income +1.3 sd · Spending -1.1 sd': how far the segment's mean is from the rest's, in
    standard deviations of the feature; empty without an explanation."""
    return " · ".join(
        f"{short_name(item['feature'])} {item['difference']:+.1f} sd"
        for item in record.get("top_features") or []
    )


def rule_text(record: dict) -> str:
    """'Annual Income (k$) > 69.5 and ... (precision 95 %, coverage 90 %)'; empty without one."""
    rule = record.get("rule")
    if not rule:
        return ""
    return (
        f"{rule['text']} (precision {_percent(rule['precision'])}, "
        f"coverage {_percent(rule['coverage'])})"
    )


def category_mix(record: dict, category: str | None) -> str:
    """'1 70 % · 2 30 %': the share of each level of the encoded ``category`` among the
    segment's customers (the mean of its one-hot column); empty when none is encoded."""
    if not category:
        return ""
    prefix = f"mean {category}="
    shares = [
        (key[len(prefix) :], value) for key, value in record.items() if key.startswith(prefix)
    ]
    shares.sort(key=lambda pair: -pair[1])
    return " · ".join(f"{level} {_percent(share)}" for level, share in shares[:MAX_MIX_LEVELS])


def _percent(share: float) -> str:
    return f"{share:.0%}".replace("%", " %")


def card_lines(record: dict, category: str | None) -> list[str]:
    """The persona card's lines beyond ``exports.profile_lines`` (which gives the means, the
    gender mix and the rule): the features setting the segment apart, and the encoded
    category's mix unless the gender mix already shows it."""
    lines = []
    apart = top_features_text(record)
    if apart:
        lines.append(f"Sets apart: {apart}")
    already = any(key.startswith(f"share {category}=") for key in record)
    mix = "" if already else category_mix(record, category)
    if mix:
        lines.append(f"{category}: {mix}")
    return lines
