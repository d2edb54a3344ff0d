#!/usr/bin/env python3
"""Writes the labelled corpus that measures `[privacy]` (tests/privacy/).

Synthetic contact-centre messages in seven languages (en, de, fr, es, it,
pt, nl), each carrying one card number, IBAN, e-mail address or phone number
in one of the formats people type and paste, or one number that is NOT
personal data (a date, an id with leading zeros, an EAN/ISBN, a tracking
number, a version, an amount, an IP address, a postcode, a numeric list).
Every value is made up here: card numbers are random Luhn-valid numbers of
each brand's prefix and length, IBANs random with correct mod-97 check
digits, names, domains and phone numbers random in each plan's shape.

Two files, from disjoint sentence templates and different seeds:
  tuning.jsonl   what the masker was developed against;
  heldout.jsonl  never looked at while developing: a fresh check.

Deterministic: the same seeds give the same bytes. Run from the repo root:
  python3 scripts/gen-privacy-corpus.py [--per-class N]

Format (one JSON object per line; see docs/security.md):
  {"text": "...", "language": "de",
   "labels": [{"kind": "card", "format": "spaces", "value": "4111 1111 1111 1111"}]}
kind is card, iban, email or phone, or none for a number that must stay;
format names how the value is written (for none: its class).
"""

import argparse
import json
import random
import string

LANGS = ["en", "de", "fr", "es", "it", "pt", "nl"]

# ----------------------------------------------------------------- values


def luhn_complete(prefix, length, rng):
    digits = [int(c) for c in prefix]
    while len(digits) < length - 1:
        digits.append(rng.randrange(10))
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    digits.append((10 - total % 10) % 10)
    return "".join(map(str, digits))


CARD_BRANDS = [
    ("visa", lambda r: "4", 16),
    ("mastercard", lambda r: str(r.randint(51, 55)), 16),
    ("mastercard2", lambda r: str(r.randint(2221, 2720)), 16),
    ("amex", lambda r: r.choice(["34", "37"]), 15),
    ("discover", lambda r: r.choice(["6011", "65"]), 16),
    ("diners", lambda r: r.choice(["36", "38"]), 14),
    ("jcb", lambda r: str(r.randint(3528, 3589)), 16),
    ("unionpay", lambda r: "62", 16),
    ("maestro", lambda r: r.choice(["5018", "5020", "6759"]), 16),
]


def card_number(rng):
    _, prefix, length = rng.choice(CARD_BRANDS)
    return luhn_complete(prefix(rng), length, rng)


def groups_of(d, sizes):
    out, i = [], 0
    for s in sizes:
        out.append(d[i : i + s])
        i += s
    if i < len(d):
        out.append(d[i:])
    return [g for g in out if g]


def card_groups(d):
    if len(d) == 15:
        return groups_of(d, [4, 6, 5])
    if len(d) == 14:
        return groups_of(d, [4, 6, 4])
    return groups_of(d, [4, 4, 4, 4, 4])


FULLWIDTH = {str(i): chr(0xFF10 + i) for i in range(10)}


def fullwidth(s):
    return "".join(FULLWIDTH.get(c, "\u3000" if c == " " else c) for c in s)


def card_formats(rng, d):
    g = card_groups(d)
    forms = {
        "plain": d,
        "spaces": " ".join(g),
        "dashes": "-".join(g),
        "dots": ".".join(g),
        "slashes": "/".join(g),
        "nbsp": "\u00a0".join(g),
        "thin-space": "\u2009".join(g),
        "narrow-nbsp": "\u202f".join(g),
        "fullwidth": fullwidth(" ".join(g)),
        "two-lines": " ".join(g[:2]) + "\n" + " ".join(g[2:]),
        "chat-turns": " ".join(g[:2]) + "\n" + rng.choice(["Customer", "Me", "Kunde", "Client"]) + ": " + " ".join(g[2:]),
        "zero-width": "\u200b".join(g),
        "double-space": "  ".join(g),
        "en-dash": "\u2013".join(g),
        "underscores": "_".join(g),
    }
    return forms


def iban_check(country, bban):
    s = bban + country + "00"
    n = "".join(str(int(c, 36)) for c in s)
    return "%02d" % (98 - int(n) % 97)


IBAN_SHAPES = {
    "DE": "18n", "GB": "4a14n", "FR": "10n11c2n", "ES": "20n", "IT": "1a10n12c", "NL": "4a10n", "PT": "21n",
    "BE": "12n", "AT": "16n", "CH": "5n12c", "IE": "4a14n", "PL": "24n", "LU": "3n13c", "FI": "14n", "DK": "14n",
    "SE": "20n", "NO": "11n", "GR": "7n16c", "MT": "4a5n18c", "RO": "4a16c",
}


def bban_for(shape, rng):
    out, count = [], ""
    for c in shape:
        if c.isdigit():
            count += c
            continue
        n = int(count)
        count = ""
        pool = {"n": string.digits, "a": string.ascii_uppercase, "c": string.digits * 3 + string.ascii_uppercase}[c]
        out.append("".join(rng.choice(pool) for _ in range(n)))
    return "".join(out)


def iban_value(rng, country=None):
    country = country or rng.choice(list(IBAN_SHAPES))
    bban = bban_for(IBAN_SHAPES[country], rng)
    return country + iban_check(country, bban) + bban


def iban_formats(rng, iban):
    g = [iban[i : i + 4] for i in range(0, len(iban), 4)]
    return {
        "compact": iban,
        "spaces": " ".join(g),
        "lowercase": " ".join(g).lower(),
        "country-apart": iban[:2] + " " + iban[2:4] + " " + " ".join(
            iban[4 + i : 8 + i] for i in range(0, len(iban) - 4, 4)
        ),
        "dashes": "-".join(g),
        "nbsp": "\u00a0".join(g),
        "line-break": " ".join(g[:3]) + "\n" + " ".join(g[3:]),
        "dots": ".".join(g),
        "fullwidth": fullwidth(" ".join(g)).replace("\u3000", " "),
    }


FIRST = ["jane", "john", "anna", "lukas", "marie", "pierre", "lucia", "carlos", "giulia", "marco", "joao", "ana",
         "sanne", "daan", "emma", "noah", "léa", "josé", "jürgen", "françois", "zoë", "mia", "omar", "li"]
LAST = ["doe", "smith", "mueller", "schmidt", "dupont", "martin", "garcia", "lopez", "rossi", "bianchi", "silva",
        "santos", "jansen", "devries", "müller", "peña", "o'brien", "nguyen", "kowalski", "weber"]
DOMAINS = ["example.com", "gmail.com", "web.de", "gmx.de", "orange.fr", "free.fr", "correo.es", "telefonica.es",
           "libero.it", "tim.it", "sapo.pt", "ziggo.nl", "kpn.nl", "outlook.com", "mail.co.uk", "empresa.com.br",
           "firma.de", "société.fr", "bücher.de", "почта.рф", "example.org", "xn--bcher-kva.de", "uni-koeln.de"]
PLAIN_DOMAINS = [d for d in DOMAINS if d.isascii() and not d.startswith("xn--")]


def local_part(rng):
    f, l = rng.choice(FIRST), rng.choice(LAST)
    return rng.choice([f"{f}.{l}", f"{f}{l}", f"{f[0]}.{l}", f"{f}_{l}", f"{f}.{l}{rng.randint(1, 99)}", f"{f}{rng.randint(70, 99)}",
                       f"{f}-{l}", f"{f}.{l}+cx"])


def ascii_local(rng):
    while True:
        l = local_part(rng)
        if l.isascii() and "'" not in l:
            return l


def email_formats(rng):
    loc, dom = local_part(rng), rng.choice(DOMAINS)
    aloc, adom = ascii_local(rng), rng.choice(PLAIN_DOMAINS)
    name, tld = adom.rsplit(".", 1)
    spoken = lambda at, dot: aloc.replace(".", f" {dot} ") + f" {at} " + adom.replace(".", f" {dot} ")
    return {
        "plain": f"{loc}@{dom}",
        "uppercase": f"{aloc}@{adom}".upper(),
        "idn": f"{aloc}@{rng.choice(['bücher.de', 'société.fr', 'почта.рф', 'mañana.es', 'città.it'])}",
        "spaces-around-at": f"{aloc} @ {adom}",
        "brackets-at": f"{aloc}[at]{adom}",
        "parens-at": f"{aloc}(at){adom}",
        "brackets-at-dot": f"{aloc} [at] {name} [dot] {tld}",
        "spelled-en": spoken("at", "dot"),
        "spelled-upper": spoken("AT", "DOT"),
        "spelled-es": spoken("arroba", "punto"),
        "spelled-fr": f"{aloc} arobase {name} point {tld}",
        "spelled-it": f"{aloc} chiocciola {adom}",
        "spelled-de": aloc.replace(".", " punkt ") + f" (at) {name} punkt {tld}",
        "at-word": f"{aloc} at {adom}" if any(c in aloc for c in "._-+0123456789") else f"{aloc}.{rng.randint(1, 9)} at {adom}",
        "fullwidth-at": f"{aloc}＠{adom}",
        "angle-brackets": f"<{aloc}@{adom}>",
        "mailto": f"{aloc}@{adom}",
    }


def d(rng, n, first=None):
    s = "".join(str(rng.randrange(10)) for _ in range(n))
    return (first + s[len(first):]) if first else s


def phone_formats(rng):
    area = str(rng.randint(2, 9)) + d(rng, 2)
    exch = str(rng.randint(2, 9)) + d(rng, 2)
    line = d(rng, 4)
    uk_mob = "7" + d(rng, 9)
    uk_lon = "20" + d(rng, 8)
    de_mob = "1" + rng.choice(["51", "52", "60", "70", "71", "76"]) + d(rng, 7)
    de_land = rng.choice(["30", "40", "89", "221", "69"]) + d(rng, 7)
    fr = rng.choice("1234567") + d(rng, 8)
    es_mob = rng.choice("67") + d(rng, 8)
    es_land = "9" + rng.choice("1345") + d(rng, 7)
    it_mob = "3" + rng.choice(["20", "33", "34", "39", "47", "48", "93"]) + d(rng, 7)
    it_land = "0" + rng.choice(["2", "6", "11", "55"]) + d(rng, 7)
    pt_mob = "9" + rng.choice("1236") + d(rng, 7)
    pt_land = "2" + rng.choice("12") + d(rng, 7)
    nl_mob = "6" + d(rng, 8)
    nl_land = rng.choice(["20", "10", "30", "70"]) + d(rng, 7)
    sp = lambda s, sizes: " ".join(groups_of(s, sizes))
    return {
        "us-parens": f"({area}) {exch}-{line}",
        "us-dashes": f"{area}-{exch}-{line}",
        "us-dots": f"{area}.{exch}.{line}",
        "us-plain": f"{area}{exch}{line}",
        "us-intl": f"+1 {area} {exch} {line}",
        "us-1-dashes": f"1-{area}-{exch}-{line}",
        "gb-national": "0" + sp(uk_lon, [2, 4, 4]),
        "gb-mobile": "0" + sp(uk_mob, [4, 6]),
        "gb-intl": "+44 " + sp(uk_lon, [2, 4, 4]),
        "gb-intl-trunk": "+44 (0)" + sp(uk_mob, [4, 6]),
        "de-mobile": "0" + sp(de_mob, [3, 7]),
        "de-slash": "0" + de_mob[:3] + "/" + de_mob[3:],
        "de-landline": "0" + de_land[:2] + " " + de_land[2:],
        "de-intl": "+49 " + sp(de_mob, [3, 7]),
        "de-intl-trunk": "+49 (0)" + sp(de_mob, [3, 7]),
        "de-00": "0049 " + sp(de_mob, [3, 7]),
        "fr-pairs": "0" + " ".join(groups_of(fr, [1, 2, 2, 2, 2])),
        "fr-dots": "0" + ".".join(groups_of(fr, [1, 2, 2, 2, 2])),
        "fr-plain": "0" + fr,
        "fr-intl": "+33 " + " ".join(groups_of(fr, [1, 2, 2, 2, 2])),
        "es-mobile": sp(es_mob, [3, 3, 3]),
        "es-plain": es_mob,
        "es-landline": sp(es_land, [2, 3, 2, 2]),
        "es-intl": "+34 " + sp(es_mob, [3, 3, 3]),
        "it-mobile": sp(it_mob, [3, 3, 4]),
        "it-plain": it_mob,
        "it-landline": it_land[:2] + " " + it_land[2:],
        "it-intl": "+39 " + sp(it_mob, [3, 3, 4]),
        "pt-mobile": sp(pt_mob, [3, 3, 3]),
        "pt-landline": sp(pt_land, [3, 3, 3]),
        "pt-intl": "+351 " + sp(pt_mob, [3, 3, 3]),
        "nl-mobile": "06-" + nl_mob[1:],
        "nl-landline": "0" + sp(nl_land, [2, 3, 4]),
        "nl-intl": "+31 6 " + nl_mob[1:],
        "nbsp": "+49\u00a0" + de_mob[:3] + "\u00a0" + de_mob[3:],
        "fullwidth": fullwidth("0" + sp(de_mob, [3, 7])),
    }


# ------------------------------------------------------------- near misses


def near_miss(cls, rng):
    """A value of class `cls` (a number that is not personal data), and the
    context word it usually comes with (or None)."""
    y, m, dd, hh, mi = rng.randint(2020, 2030), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)
    if cls == "date-time":
        return rng.choice([
            f"{dd:02d}.{m:02d}.{y} {hh:02d}:{mi:02d}", f"{y}-{m:02d}-{dd:02d}", f"{m:02d}/{dd:02d}/{y}", f"{dd}.{m}.{y % 100:02d}",
            f"{dd:02d}/{m:02d}/{y} {hh:02d}:{mi:02d}", f"{y}-{m:02d}-{dd:02d}T{hh:02d}:{mi:02d}:00Z", f"{dd:02d}.{m:02d}.{y}, {hh:02d}:{mi:02d}",
            f"{dd:02d}-{m:02d}-{y}", f"{y}/{m:02d}/{dd:02d}", f"{hh:02d}:{mi:02d}", f"{dd:02d}.{m:02d}. {hh:02d}.{mi:02d}",
        ]), None
    if cls == "id-leading-zeros":
        n = rng.randint(6, 12)
        v = "0" * rng.randint(2, 4) + d(rng, n - 3, "123456789"[rng.randrange(9)])
        word = rng.choice(["INV", "Order #", "case", "ticket", "Ref.", "Bestellnummer", "Rechnung", "commande n°", "facture",
                           "pedido", "factura", "ordine", "fattura", "encomenda", "fatura", "bestelling", "factuur", "Kundennummer"])
        return v, word
    if cls == "ean-isbn":
        kind = rng.choice(["ean", "isbn13", "isbn10", "upc"])
        if kind == "ean":
            base = rng.choice(["40", "50", "76", "80", "84", "87", "90", "30"]) + d(rng, 10)
            return base + ean_check(base), rng.choice(["EAN", "GTIN", "barcode", "Artikel", "EAN-13", None])
        if kind == "upc":
            base = "0" + d(rng, 10)
            return base + ean_check(base), rng.choice(["UPC", "barcode", None])
        if kind == "isbn13":
            base = rng.choice(["978", "979"]) + d(rng, 9)
            v = base + ean_check(base)
            return f"{v[:3]}-{v[3]}-{v[4:7]}-{v[7:12]}-{v[12]}", "ISBN"
        base = d(rng, 9)
        s = sum((10 - i) * int(c) for i, c in enumerate(base))
        c = (11 - s % 11) % 11
        v = base + ("X" if c == 10 else str(c))
        return f"{v[0]}-{v[1:4]}-{v[4:9]}-{v[9]}", "ISBN"
    if cls == "tracking":
        kind = rng.randrange(6)
        if kind == 0:
            return "1Z" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6)) + d(rng, 10), rng.choice(["tracking", "UPS", None])
        if kind == 1:
            v = "94" + d(rng, 20)
            return " ".join(groups_of(v, [4] * 6)), rng.choice(["tracking", "USPS", "Sendungsnummer", None])
        if kind == 2:
            return "00340" + d(rng, 15), rng.choice(["Sendungsnummer", "DHL", "suivi", None])
        if kind == 3:
            # a Luhn-valid 16-digit run inside a longer tracking number
            run = luhn_complete("4", 16, rng)
            v = d(rng, 2, "9") + run + d(rng, 4)
            return rng.choice([v, " ".join(groups_of(v, [4] * 6))]), rng.choice(["tracking", "seguimiento", "tracciamento", "rastreio", "zending", None])
        if kind == 4:
            return rng.choice(["JJD", "JVGL", "3S"]) + d(rng, 14), rng.choice(["tracking", "Sendung", "colis", None])
        return "".join(rng.choice(string.ascii_uppercase) for _ in range(2)) + d(rng, 9) + rng.choice(["GB", "DE", "FR", "NL"]), rng.choice(["tracking", "Royal Mail", None])
    if cls == "version":
        return rng.choice([
            f"v{rng.randint(1, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}", f"{rng.randint(1, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
            f"{rng.randint(10, 11)}.0.{rng.randint(10000, 29999)}.{rng.randint(100, 9999)}", f"{rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.{rng.randint(1000, 9999)}",
            f"{rng.randint(2, 30)}.{rng.randint(1, 12)} (build {rng.randint(10000, 999999)})",
        ]), rng.choice(["version", "app version", "Version", "build", "firmware", "iOS", "Android", None])
    if cls == "amount":
        big = rng.randint(100, 999999999)
        cents = rng.randint(0, 99)
        eu = f"{big:,}".replace(",", ".") + f",{cents:02d}"
        us = f"{big:,}" + f".{cents:02d}"
        fr_ = f"{big:,}".replace(",", "\u202f") + f",{cents:02d}"
        return rng.choice([f"€{eu}", f"{eu} €", f"${us}", f"{us} USD", f"EUR {eu}", f"£{us}", f"{fr_} €", f"CHF {big:,}".replace(",", "'") + f".{cents:02d}",
                           f"{big} EUR", f"{big},{cents:02d} €"]), rng.choice(["total", "Betrag", "montant", "importe", "importo", "valor", "bedrag", None])
    if cls == "ip-address":
        v = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        return rng.choice([v, v + f":{rng.randint(1024, 65535)}", f"2001:db8::{rng.randint(1, 9999)}"]), rng.choice(["IP", "server", "IP-Adresse", "adresse IP", None])
    if cls == "postcode":
        return rng.choice([
            f"{rng.randint(10000, 99999)} Berlin", f"{rng.randint(75001, 75020)} Paris", f"{rng.randint(28001, 28080)} Madrid", f"00{rng.randint(118, 199)} Roma",
            f"{rng.randint(1011, 1109)} {rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)} Amsterdam", f"{rng.randint(1000, 4999)}-{rng.randint(1, 999):03d} Lisboa",
            f"D-{rng.randint(10000, 99999)} München", f"{rng.randint(10000, 99999)}", f"SW1A {rng.randint(1, 9)}AA",
        ]), rng.choice(["PLZ", "postcode", "code postal", "CP", "CAP", "código postal", "postcode", None])
    if cls == "numeric-list":
        k = rng.randint(3, 7)
        width = rng.choice([1, 2, 3, 4])
        nums = [str(rng.randint(10 ** (width - 1) if width > 1 else 1, 10**width - 1)) for _ in range(k)]
        sep = rng.choice([", ", "; ", " ", " / ", ",", " and ", " - "])
        return sep.join(nums), rng.choice(["items", "rooms", "seats", "Positionen", "articles", "artículos", "numeri", None])
    raise ValueError(cls)


def ean_check(base):
    s = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(base)))
    return str((10 - s % 10) % 10)


NEAR_MISS_CLASSES = ["date-time", "id-leading-zeros", "ean-isbn", "tracking", "version", "amount", "ip-address", "postcode", "numeric-list"]

# ---------------------------------------------------------------- templates
# {v}: the value; {w}: a context word for near misses. Two disjoint sets.

POSITIVE = {
    "tuning": {
        "en": {
            "card": ["Hi, please charge my card {v} for the renewal.", "card number: {v}", "{v} is my Visa, expiry 09/28", "You can use {v} thanks"],
            "iban": ["Please refund to IBAN {v}", "my bank account {v} (Jane Doe)", "{v} - that's where the money should go"],
            "email": ["You can reach me at {v} anytime.", "email: {v}", "reply to {v} please, not the old one"],
            "phone": ["Call me back on {v} please", "my number is {v}", "{v} after 5pm works", "phone: {v}"],
        },
        "de": {
            "card": ["Bitte buchen Sie von meiner Karte {v} ab.", "Kreditkarte {v}, gültig bis 12/27", "Hier die Nummer: {v}"],
            "iban": ["Bitte überweisen Sie auf IBAN {v}.", "Meine Bankverbindung: {v}", "Konto {v} (Sparkasse)"],
            "email": ["Schreiben Sie mir an {v}.", "Meine E-Mail lautet {v}", "Kontakt: {v}"],
            "phone": ["Rufen Sie mich unter {v} an.", "Telefon: {v}", "Ich bin erreichbar unter {v}", "{v} ab 14 Uhr"],
        },
        "fr": {
            "card": ["Ma carte bancaire est la {v}.", "numéro de carte {v}", "Voici: {v}, merci"],
            "iban": ["Merci de rembourser sur l'IBAN {v}", "Mon RIB : {v}", "{v} (compte joint)"],
            "email": ["Écrivez-moi à {v} svp", "mon adresse mail : {v}", "{v} est ma nouvelle adresse"],
            "phone": ["Appelez-moi au {v}.", "Mon portable : {v}", "joignable au {v} le matin"],
        },
        "es": {
            "card": ["Mi tarjeta es la {v}.", "número de tarjeta: {v}", "Pueden cobrar en {v}"],
            "iban": ["Por favor devuelvan el dinero a {v}", "Mi cuenta (IBAN): {v}", "IBAN {v} gracias"],
            "email": ["Mi correo es {v}", "escríbanme a {v}", "{v} es mi email"],
            "phone": ["Llámenme al {v}.", "Mi móvil: {v}", "Teléfono de contacto {v}", "estoy en el {v}"],
        },
        "it": {
            "card": ["La mia carta è {v}.", "numero carta {v}", "Addebitate su {v} grazie"],
            "iban": ["Rimborsate sull'IBAN {v}", "Il mio conto: {v}", "{v} intestato a me"],
            "email": ["La mia email è {v}", "scrivetemi a {v}", "{v} per favore"],
            "phone": ["Chiamatemi al {v}", "Il mio cellulare: {v}", "numero {v} dopo le 18"],
        },
        "pt": {
            "card": ["O meu cartão é {v}.", "cartão de crédito {v}", "Podem debitar {v}"],
            "iban": ["Por favor devolvam para o IBAN {v}", "A minha conta: {v}", "{v} obrigado"],
            "email": ["O meu email é {v}", "escrevam para {v}", "{v} é o novo"],
            "phone": ["Liguem-me para o {v}", "O meu telemóvel: {v}", "contacto {v}"],
        },
        "nl": {
            "card": ["Mijn creditcard is {v}.", "kaartnummer {v}", "Graag afschrijven van {v}"],
            "iban": ["Graag terugstorten op {v}", "Mijn rekening: {v}", "IBAN {v} t.n.v. J. Jansen"],
            "email": ["Mijn e-mail is {v}", "mail naar {v} aub", "{v} graag"],
            "phone": ["Bel me op {v}", "Mijn nummer: {v}", "telefoon {v} na vijven"],
        },
    },
    "heldout": {
        "en": {
            "card": ["I'd like to update the card on file to {v}, cheers", "new one is {v}", "Card:{v}"],
            "iban": ["send the refund to {v} please", "IBAN:{v}"],
            "email": ["contact {v} for the invoice", "my address changed, it's now {v}."],
            "phone": ["text me at {v}", "reach me on {v} tomorrow", "{v} (mobile)"],
        },
        "de": {
            "card": ["Neue Karte: {v} - bitte hinterlegen", "{v} ist die richtige Nummer"],
            "iban": ["Erstattung bitte an {v}", "IBAN: {v} Danke!"],
            "email": ["Antwort bitte an {v} statt an die alte Adresse", "{v} ist meine Adresse"],
            "phone": ["Handy {v}", "bitte um Rückruf: {v}", "Sie erreichen mich unter {v}."],
        },
        "fr": {
            "card": ["carte {v} à débiter", "Nouvelle carte: {v}"],
            "iban": ["IBAN pour le remboursement : {v}", "virement sur {v} svp"],
            "email": ["répondez sur {v}", "contact : {v}"],
            "phone": ["vous pouvez me rappeler au {v}", "tél. {v}"],
        },
        "es": {
            "card": ["tarjeta nueva {v}", "cobren en la {v} por favor"],
            "iban": ["Cuenta para la devolución: {v}", "IBAN:{v}"],
            "email": ["contacto: {v}", "respondan a {v}"],
            "phone": ["llamadme al {v}", "tel {v}"],
        },
        "it": {
            "card": ["carta nuova: {v}", "usate la {v}"],
            "iban": ["accredito su {v}", "IBAN {v}"],
            "email": ["contattatemi su {v}", "mail: {v}"],
            "phone": ["cell. {v}", "richiamatemi al {v}"],
        },
        "pt": {
            "card": ["novo cartão {v}", "usem o {v}"],
            "iban": ["reembolso para {v}", "IBAN: {v}"],
            "email": ["contactem {v}", "email {v}"],
            "phone": ["telefone {v}", "liguem para {v}"],
        },
        "nl": {
            "card": ["nieuwe kaart: {v}", "gebruik {v} a.u.b."],
            "iban": ["terugbetalen op {v}", "IBAN: {v}"],
            "email": ["stuur het naar {v}", "e-mail {v}"],
            "phone": ["mobiel {v}", "bel {v} terug"],
        },
    },
}

NEGATIVE = {
    "tuning": {
        "en": ["Regarding {w} {v}, nothing has happened yet.", "{w} {v} - please check", "I wrote on {v} and got no answer", "see {v} for details"],
        "de": ["Bezüglich {w} {v}: leider noch nichts passiert.", "{w} {v}, bitte prüfen", "am {v} hatte ich geschrieben"],
        "fr": ["Concernant {w} {v}, toujours rien.", "{w} {v} : merci de vérifier", "voir {v}"],
        "es": ["Sobre {w} {v}, todavía nada.", "{w} {v}, por favor revisen", "desde {v} sin respuesta"],
        "it": ["Riguardo {w} {v}, ancora niente.", "{w} {v}, controllate", "vedi {v}"],
        "pt": ["Sobre {w} {v}, ainda nada.", "{w} {v}, verifiquem", "desde {v}"],
        "nl": ["Over {w} {v}: nog steeds niets.", "{w} {v}, graag nakijken", "zie {v}"],
    },
    "heldout": {
        "en": ["still waiting on {w} {v}!!", "{v} ({w})", "it says {v} on the screen"],
        "de": ["{w}: {v} - keine Rückmeldung", "es steht {v} da"],
        "fr": ["{w}: {v} toujours en attente", "il est écrit {v}"],
        "es": ["{w}: {v} sin novedades", "pone {v}"],
        "it": ["{w}: {v} in attesa", "c'è scritto {v}"],
        "pt": ["{w}: {v} ainda pendente", "diz {v}"],
        "nl": ["{w}: {v} nog niet binnen", "er staat {v}"],
    },
}


def fill(template, value, word):
    text = template.replace("{v}", value)
    if "{w}" in text:
        text = text.replace("{w} ", (word + " ") if word else "").replace("{w}", word or "")
    return text


def generate(split, seed, per_class):
    rng = random.Random(seed)
    rows = []
    pos, neg = POSITIVE[split], NEGATIVE[split]
    for kind in ["card", "iban", "email", "phone"]:
        for i in range(per_class):
            lang = LANGS[i % len(LANGS)]
            if kind == "card":
                forms = card_formats(rng, card_number(rng))
            elif kind == "iban":
                forms = iban_formats(rng, iban_value(rng))
            elif kind == "email":
                forms = email_formats(rng)
            else:
                forms = phone_formats(rng)
            fmt = sorted(forms)[i % len(forms)] if i < len(forms) * 3 else rng.choice(sorted(forms))
            value = forms[fmt]
            template = rng.choice(pos[lang][kind])
            if fmt == "mailto":
                template = template.replace("{v}", "mailto:{v}")
            text = fill(template, value, None)
            rows.append({"text": text, "language": lang, "labels": [{"kind": kind, "format": fmt, "value": value}]})
    for cls in NEAR_MISS_CLASSES:
        for i in range(per_class):
            lang = LANGS[i % len(LANGS)]
            value, word = near_miss(cls, rng)
            template = rng.choice(neg[lang])
            if cls == "id-leading-zeros" and "{w}" not in template:
                # an id is written with what it is: INV 0004512398, Order #000123456
                template = template.replace("{v}", "{w} {v}")
            if "{w}" in template and word is None:
                word = ""
            text = fill(template, value, word)
            rows.append({"text": text, "language": lang, "labels": [{"kind": "none", "format": cls, "value": value}]})
    rng.shuffle(rows)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-class", type=int, default=350)
    ap.add_argument("--out", default="tests/privacy")
    a = ap.parse_args()
    for split, seed in [("tuning", 20261105), ("heldout", 8675309)]:
        rows = generate(split, seed, a.per_class)
        with open(f"{a.out}/{split}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{a.out}/{split}.jsonl: {len(rows)} messages")


if __name__ == "__main__":
    main()
