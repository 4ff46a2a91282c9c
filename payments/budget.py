"""Payments into the budget: Treasury accounts and the purpose text the Treasury expects.

- A Treasury account is an IBAN whose bank code (positions 5–10) is 899998, the State Treasury's.
- Purpose text: «Порядок заповнення документів на переказ у разі сплати (стягнення) податків, зборів …»,
  Ministry of Finance Order No. 666 of 24.07.2015: `*;101;<payer's code>;<explanation>;;;` — `*` the
  service mark, 101 the kind of payment (a tax or fee liability), the payer's РНОКПП (10 digits) or
  ЄДРПОУ, free text, then three empty fields, no spaces around the separators. We put the budget
  classification code (ККДБ, 8 digits, from the catalogue) at the start of the explanation, so the
  receiving council sees what the money is for even where the account is shared by several codes.
"""

from core import identifiers

TREASURY_BANK_CODE = "899998"
KIND_OF_PAYMENT = "101"


def is_treasury_account(iban):
    try:
        iban = identifiers.clean_ua_iban(iban)
    except identifiers.IdentifierError:
        return False
    return iban[4:10] == TREASURY_BANK_CODE


def treasury_iban(balance_account, budget_code, tail):
    """A valid Treasury IBAN (check digits by ISO 7064 mod 97-10) from the 19-digit account made of a
    4-digit balance account, the 8-digit ККДБ and a 7-digit tail (left-padded); for demo data and tests."""
    account = f"{balance_account}{budget_code}{tail:0>7}"
    if len(account) != 19 or not account.isdigit():
        raise ValueError("a Treasury account has 19 digits")
    bban = TREASURY_BANK_CODE + account
    check = 98 - int(bban + "301000") % 97  # "UA00" moved to the end: U=30, A=10
    return f"UA{check:02d}{bban}"


def purpose(payer_code, budget_code, text):
    """`*;101;<payer's code>;<ККДБ> <text>;;;` (Order No. 666); `;` inside the text would shift fields."""
    info = " ".join(p for p in (budget_code, text.replace(";", ",").strip()) if p)
    return f"*;{KIND_OF_PAYMENT};{payer_code};{info};;;"
