#!/usr/bin/env python3
"""Independent oracle for the sample inbox: adjudicates every claim per
/work/shared/spec/rules.md (with data.md for the input formats) and writes the
expected amounts of each claim as JSON, for the Swift tests to compare against.

Written from the specification only, without reading the Swift sources.

    python3 Samples/tools/oracle.py [--samples DIR] [--out FILE] [--inbox DIR]

Defaults: --samples is the Samples folder this script lives in, --out is
Tests/BatchTests/Fixtures/samples-expected.json of the repository.

Arithmetic: every amount is an integer number of fen; ratios, proportions and
prices are fractions.Fraction parsed from their decimal strings (never float).
Rounding is half away from zero to the fen, only where rules.md says so.

Readings chosen where the spec leaves room (the project's chosen readings):
  * `funds` lists every fund that received a piece of the base (even when its
    rounded payment is 0.00); the critical-illness fund only when the claim's
    burden goes above the threshold.
  * `referral_cert` is required (MISSING_DOCUMENTS) only for cross-region,
    non-emergency care when at least one filing covers the care and every
    covering filing is a `referral`.
  * critical illness applies to residents (390) only; when both
    `critical_illness.annual_cap` and `annual_caps[fund]` apply, the tighter wins.
  * emergency is the claim's `emergency` flag only.
  * a roster bank card failing the Luhn check means NO_BANK_ACCOUNT (manual).
  * `line_reasons` lists only (merged) lines that carry at least one reason.
  * `_totals.by_payee` lists payees whose summed payable is above 0.00.
"""

import argparse
import csv
import io
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from datetime import date, datetime
from fractions import Fraction

import yaml  # PyYAML; loaded with BaseLoader so no scalar ever becomes a float

NS = "urn:medclaims:submission:1"

# ---------------------------------------------------------------------------
# Money helpers: Fraction in yuan -> int fen, rounding half away from zero.
# ---------------------------------------------------------------------------


def round_fen(x):
    """Round an exact amount expressed in fen (Fraction) to an int, half away from zero."""
    x = Fraction(x)
    sign = -1 if x < 0 else 1
    a = abs(x)
    q, r = divmod(a.numerator, a.denominator)
    if 2 * r >= a.denominator:
        q += 1
    return sign * q


def yuan_to_fen_exact(s):
    """A reference-data amount ("1000.00") -> int fen (must be exact)."""
    f = Fraction(s) * 100
    if f.denominator != 1:
        raise ValueError("amount with more than 2 decimals in reference data: %r" % s)
    return int(f)


def fmt(fen):
    """int fen -> "1234.56" (yuan, 2 decimals)."""
    sign = "-" if fen < 0 else ""
    a = abs(fen)
    return "%s%d.%02d" % (sign, a // 100, a % 100)


# ---------------------------------------------------------------------------
# Field grammar of data.md
# ---------------------------------------------------------------------------

NUM_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
TIME_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$")
DISE_RE = re.compile(r"^[A-Z][0-9]{2}(\.[A-Z0-9]{1,8})?$")
ADMDVS_RE = re.compile(r"^[0-9]{6}$")

INSUTYPES = {"310", "390"}
MED_TYPES = {"11", "13", "14", "21"}
MODES = {"manual", "direct"}
DOCUMENTS = {"invoice", "fee_list", "discharge_summary", "diagnosis_cert", "referral_cert"}

CLAIM_FIELDS = ["fixmedins_code", "mdtrt_id", "psn_no", "psn_name", "certno", "insutype",
                "insu_admdvs", "med_type", "begndate", "enddate", "dise_codg", "emergency",
                "invoice_no", "invoice_date", "invoice_amount", "documents", "submitted", "mode"]
OPTIONAL_CLAIM_FIELDS = {"emergency"}
FEE_FIELDS = ["sn", "code", "name", "time", "cnt", "pric", "amount"]
CSV_FEE_COLUMNS = {"fee_sn": "sn", "fee_code": "code", "fee_name": "name", "fee_time": "time",
                   "cnt": "cnt", "pric": "pric", "amount": "amount"}


class Invalid(Exception):
    pass


def parse_number(field, s, max_frac, allow_negative):
    """Decimal string of data.md -> Fraction; Invalid if malformed."""
    if s is None or not NUM_RE.match(s):
        raise Invalid("%s %r is not a number" % (field, s))
    if "." in s and len(s.split(".")[1]) > max_frac:
        raise Invalid("%s %r has more than %d decimal places" % (field, s, max_frac))
    v = Fraction(s)
    if v < 0 and not allow_negative:
        raise Invalid("%s %r is negative" % (field, s))
    return v


def parse_date(field, s):
    if s is None or not DATE_RE.match(s):
        raise Invalid("%s %r is not YYYY-MM-DD" % (field, s))
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise Invalid("%s %r is not a date" % (field, s))


def parse_time(field, s):
    if s is None or not TIME_RE.match(s):
        raise Invalid("%s %r is not YYYY-MM-DDTHH:MM:SS" % (field, s))
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        raise Invalid("%s %r is not a time" % (field, s))


def certno_ok(c):
    """GB 11643: 17 digits + ISO 7064 MOD 11-2 check character (X for 10)."""
    if not re.match(r"^[0-9]{17}[0-9X]$", c):
        return False
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(d) * w for d, w in zip(c[:17], weights))
    return "10X98765432"[s % 11] == c[17]


def luhn_ok(num):
    if not num or not num.isdigit() or not num.isascii():
        return False
    total = 0
    for i, ch in enumerate(reversed(num)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# ---------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------


def read_csv_dicts(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [r for r in csv.DictReader(f) if any((v or "").strip() for v in r.values())]


def opt_date(s):
    return date.fromisoformat(s) if s else None


def in_period(d, begin, end):
    """Periods include both ends; an empty end is open (rules.md, Precise readings)."""
    return (begin is None or begin <= d) and (end is None or d <= end)


class Reference:
    def __init__(self, ref_dir):
        # insured.csv
        self.persons = {}
        for r in read_csv_dicts(os.path.join(ref_dir, "insured.csv")):
            r["coverage_begin_d"] = opt_date(r["coverage_begin"])
            r["coverage_end_d"] = opt_date(r["coverage_end"])
            r["acct_balc_fen"] = yuan_to_fen_exact(r["acct_balc"] or "0")
            self.persons[r["psn_no"]] = r
        # filings.csv
        self.filings = {}
        for r in read_csv_dicts(os.path.join(ref_dir, "filings.csv")):
            r["begndate_d"] = opt_date(r["begndate"])
            r["enddate_d"] = opt_date(r["enddate"])
            self.filings.setdefault(r["psn_no"], []).append(r)
        # institutions.csv
        self.institutions = {}
        for r in read_csv_dicts(os.path.join(ref_dir, "institutions.csv")):
            r["designated_begin_d"] = opt_date(r["designated_begin"])
            r["designated_end_d"] = opt_date(r["designated_end"])
            self.institutions[r["fixmedins_code"]] = r
        # catalogues: folder name -> code -> [rows]
        self.catalogues = {}
        cat_dir = os.path.join(ref_dir, "catalogues")
        for folder in sorted(os.listdir(cat_dir)):
            fdir = os.path.join(cat_dir, folder)
            if not os.path.isdir(fdir):
                continue
            rows = {}
            for name in sorted(os.listdir(fdir)):
                if not name.endswith(".csv"):
                    continue
                for r in read_csv_dicts(os.path.join(fdir, name)):
                    r["begndate_d"] = opt_date(r["begndate"])
                    r["enddate_d"] = opt_date(r["enddate"])
                    rows.setdefault(r["hilist_code"], []).append(r)
            self.catalogues[folder] = rows
        # facility_standards.csv: (code, level) -> cap in yuan (Fraction)
        self.facility = {}
        for r in read_csv_dicts(os.path.join(ref_dir, "facility_standards.csv")):
            self.facility[(r["hilist_code"], r["medins_lv"])] = Fraction(r["pric_uplmt_amt"])
        # policy.yaml, every scalar a string (BaseLoader): no float ever appears
        with open(os.path.join(ref_dir, "policy.yaml"), encoding="utf-8") as f:
            self.policy = yaml.load(f, Loader=yaml.BaseLoader)


def ynull(v):
    """BaseLoader leaves null as the string 'null' / '~' / ''."""
    return None if v in (None, "null", "Null", "NULL", "~", "") else v


# ---------------------------------------------------------------------------
# Reading submissions (data.md "Submissions")
# A claim is a dict: fields (str values, or None when missing), fees (list of
# dicts), problems (list of INVALID_DATA details found while reading).
# ---------------------------------------------------------------------------


def read_xml(path):
    with open(path, "rb") as fh:
        if b"<!DOCTYPE" in fh.read():
            raise ValueError("%s: a DOCTYPE refuses the file" % path)
    tree = ET.parse(path)
    root = tree.getroot()
    if root.tag != "{%s}submission" % NS:
        raise ValueError("%s: wrong root %s" % (path, root.tag))
    submitted = root.get("submitted")
    mode = root.get("mode")
    claims = []
    for el in root:
        if el.tag != "{%s}claim" % NS:
            raise ValueError("%s: unexpected element %s in submission" % (path, el.tag))
        fields = {}
        fees = []
        problems = []
        seen = set()
        if el.attrib:
            problems.append("claim has attributes %s" % sorted(el.attrib))
        for child in el:
            tag = child.tag
            if not tag.startswith("{%s}" % NS):
                problems.append("unknown element %s" % tag)
                continue
            name = tag[len(NS) + 2:]
            if name in seen:
                problems.append("%s appears more than once" % name)
                continue
            seen.add(name)
            if name == "invoice":
                for k, v in child.attrib.items():
                    if k not in ("no", "date", "amount"):
                        problems.append("invoice has unknown attribute %s" % k)
                fields["invoice_no"] = child.get("no")
                fields["invoice_date"] = child.get("date")
                fields["invoice_amount"] = child.get("amount")
            elif name == "fees":
                for fee in child:
                    if fee.tag != "{%s}fee" % NS:
                        problems.append("unknown element %s in fees" % fee.tag)
                        continue
                    for k in fee.attrib:
                        if k not in FEE_FIELDS:
                            problems.append("fee has unknown attribute %s" % k)
                    fees.append({k: fee.get(k) for k in FEE_FIELDS})
            elif name in CLAIM_FIELDS and name not in ("submitted", "mode", "invoice_no",
                                                       "invoice_date", "invoice_amount"):
                fields[name] = (child.text or "").strip()
            else:
                problems.append("unknown element %s" % name)
        fields["submitted"] = submitted
        fields["mode"] = mode
        claims.append({"fields": fields, "fees": fees, "problems": problems})
    return claims


def decode_csv_bytes(data):
    """UTF-8 (BOM allowed), else GB18030 (data.md)."""
    try:
        text = data.decode("utf-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        return text, "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def read_csv_submission(path):
    with open(path, "rb") as f:
        text, _enc = decode_csv_bytes(f.read())
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise ValueError("%s: no header row" % path)
    header = rows[0]
    col = {name: i for i, name in enumerate(header)}
    for required in [c for c in CLAIM_FIELDS if c not in OPTIONAL_CLAIM_FIELDS] + list(CSV_FEE_COLUMNS):
        if required not in col:
            raise ValueError("%s: header lacks column %s" % (path, required))
    claims = []
    by_key = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if all(v.strip() == "" for v in row):
            continue  # blank rows are skipped
        get = lambda name: row[col[name]] if name in col and col[name] < len(row) else None
        key = (get("fixmedins_code"), get("mdtrt_id"))
        if key in by_key and claims[-1] is not by_key[key]:
            raise ValueError("%s: claim %s split apart (line %d)" % (path, key, lineno))
        if key not in by_key:
            fields = {c: get(c) for c in CLAIM_FIELDS}
            if "emergency" not in col:
                fields["emergency"] = "0"
            c = {"fields": fields, "fees": [], "problems": []}
            by_key[key] = c
            claims.append(c)
        c = by_key[key]
        if len(row) != len(header):
            c["problems"].append("line %d has %d fields, header %d" % (lineno, len(row), len(header)))
        for name in CLAIM_FIELDS:
            if name in col and get(name) != c["fields"][name]:
                c["problems"].append("line %d: %s differs between rows" % (lineno, name))
        c["fees"].append({v: get(k) for k, v in CSV_FEE_COLUMNS.items()})
    return claims


def read_inbox(inbox):
    """Files by name (byte order), *.xml and *.csv; hidden and .part names ignored."""
    names = sorted((n for n in os.listdir(inbox)
                    if not n.startswith(".") and not n.endswith(".part")
                    and (n.endswith(".xml") or n.endswith(".csv"))),
                   key=lambda n: n.encode("utf-8"))
    out = []
    for n in names:
        p = os.path.join(inbox, n)
        claims = read_xml(p) if n.endswith(".xml") else read_csv_submission(p)
        for c in claims:
            c["file"] = n
            out.append(c)
    return out


# ---------------------------------------------------------------------------
# Gate 1 (INVALID_DATA): field checks of data.md, then refund netting (rules.md 2)
# Returns (parsed claim dict, list of problems).
# ---------------------------------------------------------------------------


def validate(claim):
    f = claim["fields"]
    problems = list(claim["problems"])
    p = {}

    def req(name):
        v = f.get(name)
        if v is None or (v == "" and name != "documents"):
            problems.append("%s is missing" % name)
            return None
        return v

    for name in ["fixmedins_code", "mdtrt_id", "psn_no", "psn_name", "invoice_no"]:
        p[name] = req(name)
    v = req("certno")
    if v is not None and not certno_ok(v):
        problems.append("certno %r has a wrong check character or form" % v)
    p["certno"] = v
    v = req("insutype")
    if v is not None and v not in INSUTYPES:
        problems.append("insutype %r" % v)
    p["insutype"] = v
    v = req("insu_admdvs")
    if v is not None and not ADMDVS_RE.match(v):
        problems.append("insu_admdvs %r" % v)
    p["insu_admdvs"] = v
    v = req("med_type")
    if v is not None and v not in MED_TYPES:
        problems.append("med_type %r" % v)
    p["med_type"] = v
    v = req("dise_codg")
    if v is not None and not DISE_RE.match(v):
        problems.append("dise_codg %r" % v)
    p["dise_codg"] = v
    v = f.get("emergency")
    if v is None or v == "":
        v = "0"  # optional, default 0
    if v not in ("0", "1"):
        problems.append("emergency %r" % v)
    p["emergency"] = v == "1"
    for name in ["begndate", "enddate", "invoice_date", "submitted"]:
        v = req(name)
        p[name] = None
        if v is not None:
            try:
                p[name] = parse_date(name, v)
            except Invalid as e:
                problems.append(str(e))
    if p["begndate"] and p["enddate"] and p["enddate"] < p["begndate"]:
        problems.append("enddate before begndate")
    v = req("invoice_amount")
    p["invoice_amount"] = None
    if v is not None:
        try:
            p["invoice_amount"] = round_fen(parse_number("invoice_amount", v, 2, False) * 100)
        except Invalid as e:
            problems.append(str(e))
    v = req("documents")
    p["documents"] = set()
    if v is not None:
        docs = v.split()
        for d in docs:
            if d not in DOCUMENTS:
                problems.append("document %r" % d)
        p["documents"] = set(docs)
    v = req("mode")
    if v is not None and v not in MODES:
        problems.append("mode %r" % v)
    p["mode"] = v

    # fee lines
    fees = []
    sns = set()
    if not claim["fees"]:
        problems.append("no fee lines")
    for i, fee in enumerate(claim["fees"]):
        try:
            for name in ["sn", "code", "time", "cnt", "pric", "amount"]:
                if fee.get(name) is None or fee.get(name) == "":
                    raise Invalid("fee %d: %s is missing" % (i + 1, name))
            if fee["sn"] in sns:
                raise Invalid("fee sn %s used twice" % fee["sn"])
            sns.add(fee["sn"])
            t = parse_time("time", fee["time"])
            cnt = parse_number("cnt", fee["cnt"], 4, True)
            pric = parse_number("pric", fee["pric"], 6, False)
            amount = parse_number("amount", fee["amount"], 2, True)
            if abs(amount - cnt * pric) > Fraction(1, 100):
                raise Invalid("fee sn %s: amount %s is not cnt x pric within 0.01" % (fee["sn"], fee["amount"]))
            fees.append({"pos": i, "sn": fee["sn"], "code": fee["code"], "date": t.date(),
                         "cnt": cnt, "pric": pric, "amount": int(amount * 100)})
        except Invalid as e:
            problems.append(str(e))
    p["fees"] = fees
    if problems:
        return p, problems

    # rules.md 2 / Precise readings "Netting": group by code + numerically equal pric;
    # the merged line keeps position, sn, time of the group's first line with cnt > 0.
    groups = {}
    order = []
    for fee in fees:
        k = (fee["code"], fee["pric"])  # Fraction compares numerically: 50.00 == 50
        if k not in groups:
            groups[k] = []
            order.append(k)
        groups[k].append(fee)
    merged = []
    for k in order:
        g = groups[k]
        cnt = sum(x["cnt"] for x in g)
        amount = sum(x["amount"] for x in g)
        if cnt < 0:
            problems.append("code %s nets below zero (cnt %s)" % (k[0], cnt))
            continue
        if cnt == 0:
            continue  # dropped, no reason recorded
        first = next(x for x in g if x["cnt"] > 0)
        merged.append({"pos": first["pos"], "sn": first["sn"], "code": k[0], "date": first["date"],
                       "cnt": cnt, "pric": k[1], "amount": amount})
    merged.sort(key=lambda x: x["pos"])
    p["lines"] = merged
    return p, problems


# ---------------------------------------------------------------------------
# The adjudicator with its in-memory history (rules.md 0)
# ---------------------------------------------------------------------------


def is_retired(psn_type):
    return psn_type.startswith("12") or psn_type == "1300"


class Adjudicator:
    def __init__(self, ref):
        self.ref = ref
        self.invoices = set()              # (fixmedins_code, invoice_no) of approved claims
        self.stays = {}                    # psn_no -> [(begndate, enddate)] approved inpatient
        self.ded_used = {}                 # (psn, year, group) -> fen
        self.cum_base = {}                 # (psn, year, group) -> fen
        self.fund_paid = {}                # (psn, year, fund) -> fen
        self.ci_burden = {}                # (psn, year) -> fen
        self.balance = {k: v["acct_balc_fen"] for k, v in ref.persons.items()}

    # -- helpers ----------------------------------------------------------------
    def find_group(self, scheme, med_type):
        for gname, g in scheme.get("groups", {}).items():
            if med_type in g.get("codes", []):
                return gname, g
        return None, None

    def catalogue_row(self, code, d, hosp_admdvs):
        """rules.md 2.1 / Precise readings "Catalogue lookup"."""
        prov = self.ref.catalogues.get(hosp_admdvs[:2], {}).get(code, [])
        nat = self.ref.catalogues.get("national", {}).get(code, [])
        for rows in (prov, nat):
            for r in rows:
                if in_period(d, r["begndate_d"], r["enddate_d"]):
                    return r, None
        if prov or nat:
            return None, "CATALOGUE_NOT_EFFECTIVE"
        return None, "NOT_IN_CATALOGUE"

    # -- one claim ----------------------------------------------------------------
    def adjudicate(self, claim):
        c, problems = validate(claim)
        if problems:
            return reject(c, "INVALID_DATA", problems)
        ref = self.ref

        # ---- rules.md 1: gates, in order ----
        if (c["fixmedins_code"], c["invoice_no"]) in self.invoices:
            return reject(c, "DUPLICATE_INVOICE")
        inst = ref.institutions.get(c["fixmedins_code"])
        if inst is None or not in_period(c["begndate"], inst["designated_begin_d"], inst["designated_end_d"]):
            return reject(c, "NOT_DESIGNATED")
        person = ref.persons.get(c["psn_no"])
        if person is None:
            return reject(c, "UNKNOWN_PERSON")
        if any(c[k] != person[k] for k in ("certno", "psn_name", "insutype", "insu_admdvs")):
            return reject(c, "IDENTITY_MISMATCH")
        if person["status"] != "active" or not (
                in_period(c["begndate"], person["coverage_begin_d"], person["coverage_end_d"]) and
                in_period(c["enddate"], person["coverage_begin_d"], person["coverage_end_d"])):
            return reject(c, "NOT_COVERED")
        region = ref.policy["regions"].get(c["insu_admdvs"])
        scheme = region["schemes"].get(c["insutype"]) if region else None
        gname, group = self.find_group(scheme, c["med_type"]) if scheme else (None, None)
        if group is None:
            return reject(c, "NO_POLICY")
        if (c["submitted"] - c["enddate"]).days > int(region["deadline_days"]):
            return reject(c, "LATE_SUBMISSION")

        hosp = inst["admdvs"]
        level = inst["medins_lv"]
        digits = 2 if region.get("cross_region_level", "city") == "province" else 4
        cross = hosp[:digits] != c["insu_admdvs"][:digits]
        covering = [f for f in ref.filings.get(c["psn_no"], [])
                    if in_period(c["begndate"], f["begndate_d"], f["enddate_d"])
                    and hosp.startswith(f["dest_admdvs"])]
        filed = bool(covering)
        emergency = c["emergency"]

        required = set(group.get("required_documents", []))
        if cross and not emergency and covering and all(f["category"] == "referral" for f in covering):
            required.add("referral_cert")
        if not required <= c["documents"]:
            return reject(c, "MISSING_DOCUMENTS")
        unfiled = region.get("unfiled", {})
        unfiled_applies = cross and not filed and not emergency
        if unfiled_applies and unfiled.get("action") == "reject":
            return reject(c, "NOT_FILED")
        if sum(x["amount"] for x in c["fees"]) != c["invoice_amount"]:
            return reject(c, "INVOICE_TOTAL_MISMATCH")
        if c["med_type"] == "21":
            for (b, e) in self.stays.get(c["psn_no"], []):
                shared = (min(e, c["enddate"]) - max(b, c["begndate"])).days + 1
                if shared > 1:
                    return reject(c, "OVERLAPPING_STAY")
        if c["mode"] == "manual" and not luhn_ok(person.get("bank_acct") or ""):
            return reject(c, "NO_BANK_ACCOUNT")

        # ---- rules.md 2: lines ----
        line_reasons = {}
        tot = {"medfee": 0, "fulamt": 0, "overlmt": 0, "preself": 0, "inscp": 0}
        for ln in c["lines"]:
            amount = ln["amount"]
            reasons = []
            fulamt = overlmt = preself = inscp = 0
            row, miss = self.catalogue_row(ln["code"], ln["date"], hosp)
            if row is None:                                     # 2.1
                reasons.append(miss)
                fulamt = amount
            elif row["chrgitm_lv"] == "03":                     # 2.2
                reasons.append("SELF_PAY_ITEM")
                fulamt = amount
            elif row["lmt_used_flag"] == "1" and (
                    (row["lim_med_types"].split() and c["med_type"] not in row["lim_med_types"].split()) or
                    (row["lim_dise_prefixes"].split() and
                     not any(c["dise_codg"].startswith(px) for px in row["lim_dise_prefixes"].split()))):
                reasons.append("RESTRICTED_USE")                # 2.3
                fulamt = amount
            else:
                # 2.4 cap: facility standard for the hospital's level, else catalogue cap
                cap = ref.facility.get((ln["code"], level))
                if cap is None and row["pric_uplmt_amt"]:
                    cap = Fraction(row["pric_uplmt_amt"])
                if cap is not None and ln["pric"] > cap:
                    overlmt = min(round_fen((ln["pric"] - cap) * ln["cnt"] * 100), amount)
                    reasons.append("OVER_PRICE_CAP")
                base = amount - overlmt                         # 2.5
                if row["chrgitm_lv"] == "02":
                    preself = round_fen(base * Fraction(row["selfpay_prop"] or "0"))
                    reasons.append("CLASS_B_SELF_PAY")
                inscp = base - preself                          # 2.6
            assert amount == fulamt + overlmt + preself + inscp
            if reasons:
                line_reasons[ln["sn"]] = reasons
            tot["medfee"] += amount
            tot["fulamt"] += fulamt
            tot["overlmt"] += overlmt
            tot["preself"] += preself
            tot["inscp"] += inscp

        # ---- rules.md 3: funds ----
        claim_reasons = []
        psn = c["psn_no"]
        year = c["enddate"].year
        inscp_total = tot["inscp"]
        # 3.1 deductible
        std = yuan_to_fen_exact(group["deductible"]["by_level"][level])
        if group["deductible"]["scope"] == "per_year":
            remaining = max(0, std - self.ded_used.get((psn, year, gname), 0))
        else:
            remaining = std
        dedc = min(inscp_total, remaining)
        # 3.2 base cut by tiers on the cumulative base
        B = inscp_total - dedc
        A = self.cum_base.get((psn, year, gname), 0)
        reduce_applies = unfiled_applies and unfiled.get("action") == "reduce"
        if reduce_applies:
            claim_reasons.append("UNFILED_REDUCTION")
        bonus = Fraction(ynull(group.get("retiree_bonus_pct")) or "0") if is_retired(person["psn_type"]) else 0
        reduction = Fraction(unfiled.get("reduction_pct", "0")) if reduce_applies else 0
        exact = {}      # fund -> exact Fraction fen (pieces summed exactly)
        lo = 0
        for t in group["tiers"]:
            hi = ynull(t.get("upto"))
            hi = None if hi is None else yuan_to_fen_exact(hi)
            s = max(A, lo)
            e = A + B if hi is None else min(A + B, hi)
            if e > s:
                ratio = Fraction(t["ratio"][level]) + bonus - reduction
                ratio = min(max(ratio, 0), 100)   # clamped once, at the end
                exact[t["fund"]] = exact.get(t["fund"], 0) + (e - s) * ratio / 100
            if hi is not None:
                lo = hi
        # 3.3 rounding once per fund, then annual caps
        caps = scheme.get("annual_caps", {}) or {}
        funds = {}
        for fund, amt in exact.items():
            pay = round_fen(amt)
            if fund in caps:
                left = max(0, yuan_to_fen_exact(caps[fund]) - self.fund_paid.get((psn, year, fund), 0))
                if pay > left:   # recorded only when actually cut (once per fund cut)
                    pay = left
                    claim_reasons.append("ANNUAL_CAP_REACHED")
            funds[fund] = pay
        # 3.4 critical illness (residents only)
        burden = 0
        ci = scheme.get("critical_illness")
        if c["insutype"] == "390" and ci:
            burden = inscp_total - sum(funds.values())
            P = self.ci_burden.get((psn, year), 0)
            T = yuan_to_fen_exact(ci["threshold"])
            # the CI fund takes part only when some of this claim's burden lies above
            # the threshold, i.e. [max(P, T), P + burden) is not empty
            if P + burden > max(P, T):
                s0 = max(P, T) - T
                e0 = P + burden - T
                lo = 0
                amt = Fraction(0)
                for t in ci["tiers"]:
                    hi = ynull(t.get("upto"))
                    hi = None if hi is None else yuan_to_fen_exact(hi)
                    s = max(s0, lo)
                    e = e0 if hi is None else min(e0, hi)
                    if e > s:
                        amt += (e - s) * Fraction(t["ratio"]) / 100
                    if hi is not None:
                        lo = hi
                pay = round_fen(amt)
                fund = ci["fund"]
                paid = self.fund_paid.get((psn, year, fund), 0)
                lefts = []
                if ynull(ci.get("annual_cap")) is not None:
                    lefts.append(yuan_to_fen_exact(ci["annual_cap"]) - paid)
                if fund in caps:
                    lefts.append(yuan_to_fen_exact(caps[fund]) - paid)
                if lefts:
                    left = max(0, min(lefts))   # the tighter cap wins
                    if pay > left:
                        pay = left
                        claim_reasons.append("ANNUAL_CAP_REACHED")
                funds[fund] = funds.get(fund, 0) + pay
        # 3.5
        fund_sum = sum(funds.values())
        psn_part = tot["medfee"] - fund_sum
        # 3.6 personal account (employees)
        acct = 0
        covers = (scheme.get("personal_account") or {}).get("covers", "none")
        if c["insutype"] == "310" and covers != "none":
            if covers == "in_scope_self_pay":
                eligible = tot["preself"] + (inscp_total - fund_sum)
            elif covers == "all_self_pay":
                eligible = psn_part
            else:
                raise ValueError("unknown personal_account.covers %r" % covers)
            acct = max(0, min(eligible, self.balance.get(psn, 0)))
        cash = psn_part - acct
        # 3.7
        payable = fund_sum + acct

        # ---- rules.md 0: an approved claim updates the history ----
        self.invoices.add((c["fixmedins_code"], c["invoice_no"]))
        if c["med_type"] == "21":
            self.stays.setdefault(psn, []).append((c["begndate"], c["enddate"]))
        self.ded_used[(psn, year, gname)] = self.ded_used.get((psn, year, gname), 0) + dedc
        self.cum_base[(psn, year, gname)] = A + B
        for fund, pay in funds.items():
            self.fund_paid[(psn, year, fund)] = self.fund_paid.get((psn, year, fund), 0) + pay
        if c["insutype"] == "390" and ci:
            self.ci_burden[(psn, year)] = self.ci_burden.get((psn, year), 0) + burden
        self.balance[psn] = self.balance.get(psn, 0) - acct

        return {
            "mdtrt_id": c["mdtrt_id"], "mode": c["mode"], "psn_no": psn,
            "fixmedins_code": c["fixmedins_code"],
            "status": "approved", "reasons": claim_reasons,
            "medfee_sumamt": tot["medfee"], "fulamt_ownpay_amt": tot["fulamt"],
            "overlmt_selfpay": tot["overlmt"], "preselfpay_amt": tot["preself"],
            "inscp_scp_amt": inscp_total, "act_pay_dedc": dedc, "funds": funds,
            "fund_pay_sumamt": fund_sum, "acct_pay": acct, "psn_part_amt": psn_part,
            "psn_cash_pay": cash, "payable": payable, "line_reasons": line_reasons,
            "detail": problems,
        }


def reject(c, code, detail=None):
    return {"mdtrt_id": c.get("mdtrt_id"), "mode": c.get("mode"), "psn_no": c.get("psn_no"),
            "fixmedins_code": c.get("fixmedins_code"),
            "status": "rejected", "reasons": [code],
            "medfee_sumamt": 0, "fulamt_ownpay_amt": 0, "overlmt_selfpay": 0, "preselfpay_amt": 0,
            "inscp_scp_amt": 0, "act_pay_dedc": 0, "funds": {}, "fund_pay_sumamt": 0,
            "acct_pay": 0, "psn_part_amt": 0, "psn_cash_pay": 0, "payable": 0,
            "line_reasons": {}, "detail": detail or []}


AMOUNT_KEYS = ["medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
               "inscp_scp_amt", "act_pay_dedc"]
AFTER_FUNDS = ["fund_pay_sumamt", "acct_pay", "psn_part_amt", "psn_cash_pay", "payable"]


def to_json(r):
    out = {"status": r["status"], "reasons": r["reasons"]}
    for k in AMOUNT_KEYS:
        out[k] = fmt(r[k])
    out["funds"] = {f: fmt(v) for f, v in r["funds"].items()}
    for k in AFTER_FUNDS:
        out[k] = fmt(r[k])
    out["line_reasons"] = r["line_reasons"]
    return out


# ---------------------------------------------------------------------------
# Check on the worked example of rules.md
# ---------------------------------------------------------------------------

WORKED_EXAMPLE = {
    "status": "approved", "reasons": [],
    "medfee_sumamt": "6553.33", "fulamt_ownpay_amt": "700.00", "overlmt_selfpay": "480.00",
    "preselfpay_amt": "266.67", "inscp_scp_amt": "5106.66", "act_pay_dedc": "900.00",
    "funds": {"310100": "3575.66"}, "fund_pay_sumamt": "3575.66", "acct_pay": "1000.00",
    "psn_part_amt": "2977.67", "psn_cash_pay": "1977.67", "payable": "4575.66",
    "line_reasons": {"2": ["CLASS_B_SELF_PAY"], "3": ["OVER_PRICE_CAP"], "4": ["SELF_PAY_ITEM"],
                     "5": ["NOT_IN_CATALOGUE"], "6": ["OVER_PRICE_CAP"], "7": ["CLASS_B_SELF_PAY"]},
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", default=os.path.dirname(here))
    ap.add_argument("--inbox", default=None, help="default: SAMPLES/inbox")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(here)),
                                                  "Tests", "BatchTests", "Fixtures",
                                                  "samples-expected.json"))
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()

    ref = Reference(os.path.join(args.samples, "reference"))
    adj = Adjudicator(ref)
    results = {}
    total = 0
    by_payee = {}
    for claim in read_inbox(args.inbox or os.path.join(args.samples, "inbox")):
        r = adj.adjudicate(claim)
        key = r["mdtrt_id"] or "?"
        if key in results:
            print("warning: mdtrt_id %s appears twice; keeping the later one" % key, file=sys.stderr)
        results[key] = to_json(r)
        if args.verbose:
            print(claim["file"], key, r["status"], r["reasons"], fmt(r["payable"]), r["detail"])
        if r["status"] == "approved":
            total += r["payable"]
            payee = ("person:" + r["psn_no"]) if r["mode"] == "manual" else ("institution:" + r["fixmedins_code"])
            by_payee[payee] = by_payee.get(payee, 0) + r["payable"]

    we = results.get("ZY20260201-0007")
    if we is not None and we != WORKED_EXAMPLE:
        print("WORKED EXAMPLE MISMATCH:\n  got      %s\n  expected %s" % (we, WORKED_EXAMPLE), file=sys.stderr)
        sys.exit(1)

    results["_totals"] = {"payable": fmt(total),
                          "by_payee": {k: fmt(v) for k, v in sorted(by_payee.items()) if v > 0}}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=2)
        f.write("\n")
    n_app = sum(1 for k, v in results.items() if k != "_totals" and v["status"] == "approved")
    print("%d claims (%d approved), total payable %s -> %s"
          % (len(results) - 1, n_app, fmt(total), args.out))


if __name__ == "__main__":
    main()
