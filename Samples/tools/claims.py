"""The sample inbox: claim specifications, written as XML and CSV per data.md."""
from decimal import Decimal, ROUND_HALF_UP
import csv, io, subprocess
from xml.sax.saxutils import escape, quoteattr

DA = ("XA01ABD075A002010100483", "阿莫西林胶囊")
DB = ("XJ01DCC054A001010100017", "头孢呋辛酯片")
CT = ("002301000010000-230100001", "CT平扫")
SP = ("XD11AXM001B001010199999", "医用祛斑美白霜")
UNK = ("XZ99ZZZ999Z999999999999", "院内自制制剂")
BED = ("001102000010000-110200001", "普通病房床位费")
MAT = ("C0306010010000001234", "一次性使用输液器")
TRAS = ("XL01FDT123B001010100321", "注射用曲妥珠单抗")
ATOR = ("XC10AAA126A001010100045", "阿托伐他汀钙片")
FLU = ("XN02BEL011A001010100077", "复方氨酚烷胺片")
ICU = ("001102000020000-110200002", "重症监护病房床位费")
NURSE = ("001202000010000-120200001", "一级护理")
PCI = ("003308000050000-330800005", "冠状动脉内支架置入术")
STENT = ("C0313020010000004321", "冠状动脉药物洗脱支架")
ENOX = ("XB01ABE038B002010100222", "依诺肝素钠注射液")
PIP = ("XJ01XDA001B001010100388", "注射用哌拉西林钠他唑巴坦钠")
ECMO = ("003106000020000-310600002", "体外膜肺氧合(ECMO)治疗")
HQ = ("T000100045", "黄芪")
CHONG = ("T000300112", "冬虫夏草")
SH31 = ("XS31ZZZ001A001010100001", "上海市增补中成药")
GD44 = ("XS44ZZZ001A001010100001", "广东省增补中成药")

def money(d): return f"{d:.2f}"

def fee(item, cnt, pric, time, amount=None):
    c, p = Decimal(cnt), Decimal(pric)
    a = Decimal(amount) if amount is not None else (c * p).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return dict(code=item[0], name=item[1], cnt=cnt, pric=pric, time=time, amount=money(a))

def claim(P, who, hospital, mdtrt, med, begin, end, dise, lines, expect, shows, invoice=None, docs=None,
          emergency="0", name=None, certno=None, invoice_no=None, psn_no=None):
    p = P[who] if who else None
    total = sum(Decimal(l["amount"]) for l in lines)
    if docs is None:
        docs = "invoice fee_list discharge_summary" if med == "21" else "invoice fee_list"
    return dict(fixmedins_code=hospital, mdtrt_id=mdtrt, psn_no=psn_no or p["psn_no"], psn_name=name or p["name"],
                certno=certno or p["certno"], insutype=p["insutype"] if p else "310",
                insu_admdvs=p["region"] if p else "130100", med_type=med, begndate=begin, enddate=end,
                dise_codg=dise, emergency=emergency, invoice_no=invoice_no or ("FP" + mdtrt.replace("-", "")),
                invoice_date=end, invoice_amount=invoice or money(total), documents=docs, lines=lines,
                expect=expect, shows=shows)

def files(P):
    Z, GZ, HB, SZ, HX = "H31010400017", "H44010400008", "H13010200003", "H32050800004", "H51010700002"
    A = [
        claim(P, "zhangwei", Z, "ZY20260201-0007", "21", "2026-02-01", "2026-02-10", "I21.9", [
            fee(DA, "20", "50.00", "2026-02-01T09:30:00"), fee(DB, "20", "100.00", "2026-02-01T10:00:00"),
            fee(CT, "10", "180.00", "2026-02-02T08:15:00"), fee(SP, "1", "500.00", "2026-02-03T11:00:00"),
            fee(UNK, "1", "200.00", "2026-02-03T11:05:00"), fee(BED, "9", "80.00", "2026-02-10T08:00:00"),
            fee(MAT, "1", "333.33", "2026-02-04T14:20:00")],
            "approved; payable 4575.66 (310100 3575.66 + acct 1000.00)",
            "the worked example of rules.md, line by line: SELF_PAY_ITEM, NOT_IN_CATALOGUE, OVER_PRICE_CAP (catalogue cap and level-3 bed standard), CLASS_B_SELF_PAY",
            invoice_no="3100126000123"),
        claim(P, "chenjing", Z, "ZY20260205-0118", "21", "2026-02-05", "2026-02-12", "J18.900", [
            fee(DA, "10", "50.00", "2026-02-05T09:00:00"), fee(PIP, "3", "68.50", "2026-02-05T10:00:00"),
            fee(ICU, "2", "320.00", "2026-02-06T08:00:00"), fee(DA, "-4", "50.00", "2026-02-07T16:00:00"),
            fee(PIP, "-3", "68.50", "2026-02-06T09:00:00"), fee(NURSE, "7", "45.00", "2026-02-12T08:00:00"),
            fee(BED, "5", "60.00", "2026-02-12T08:00:00")],
            "approved", "refund lines: amoxicillin nets 10 − 4 = 6, piperacillin nets to zero and is dropped without reason; retiree bonus (85 + 5 = 90%); temporary filing to 31 covers the stay; ICU and nursing over their level-3 standards"),
        claim(P, "lina", Z, "ZY20260206-0231", "21", "2026-02-06", "2026-02-11", "K35.800", [
            fee(DA, "12", "50.00", "2026-02-06T09:00:00"), fee(CT, "2", "150.00", "2026-02-06T11:00:00"),
            fee(BED, "5", "60.00", "2026-02-11T08:00:00"), fee(MAT, "4", "12.50", "2026-02-07T09:00:00")],
            "approved, UNFILED_REDUCTION", "her filing is to 4403 (Shenzhen), not Shanghai: unfiled, ratio 85 + 5 − 10 = 80%; CT exactly at its cap (no reason)"),
        claim(P, "liuyang", Z, "ZY20260208-0318", "21", "2026-02-08", "2026-02-14", "C34.900", [
            fee(DA, "10", "50.00", "2026-02-08T09:00:00"), fee(BED, "6", "60.00", "2026-02-14T08:00:00")],
            "rejected MISSING_DOCUMENTS", "only a referral filing covers the care and no referral_cert was handed in"),
        claim(P, "yangli", Z, "MZ20260210-0402", "11", "2026-02-10", "2026-02-10", "J06.900", [
            fee(DA, "4", "50.00", "2026-02-10T09:00:00")],
            "rejected IDENTITY_MISMATCH", "psn_name 杨莉 on the invoice, 杨丽 on the roster", name="杨莉"),
        claim(P, "xuhui", Z, "MZ20260211-0415", "11", "2026-02-11", "2026-02-11", "J02.900", [
            fee(DA, "10", "50.00", "2026-02-11T09:00:00"), fee(DB, "2", "100.00", "2026-02-11T09:05:00"),
            fee(DB, "-3", "100.00", "2026-02-11T15:00:00")],
            "rejected INVALID_DATA", "cefuroxime refunded 3 of 2: the code nets below zero"),
        claim(P, "jiangtao", Z, "ZY20260212-0520", "21", "2026-02-12", "2026-02-20", "I25.103", [
            fee(FLU, "2", "18.60", "2026-02-12T09:00:00"), fee(TRAS, "1", "2100.00", "2026-02-13T10:00:00"),
            fee(ENOX, "7", "36.80", "2026-02-13T10:30:00"), fee(ATOR, "14", "3.25", "2026-02-14T08:00:00"),
            fee(SH31, "2", "45.60", "2026-02-14T08:05:00"), fee(CHONG, "10", "58.00", "2026-02-15T09:00:00"),
            fee(HQ, "30", "0.85", "2026-02-15T09:00:00"), fee(CT, "1", "150.004", "2026-02-12T11:00:00", "150.00"),
            fee(BED, "8", "60.00", "2026-02-20T08:00:00")],
            "approved", "CATALOGUE_NOT_EFFECTIVE (withdrawn 2025-12-31), RESTRICTED_USE (trastuzumab for I25), SELF_PAY_ITEM (herbal class 03), OVER_PRICE_CAP with overlmt 0.00 (150.004 vs 150.00), atorvastatin's 2026 row (0.10), a Shanghai-only drug found in catalogues/31"),
        claim(P, "zhangwei", Z, "MZ20260215-0601", "11", "2026-02-15", "2026-02-15", "I21.9", [
            fee(DA, "2", "50.00", "2026-02-15T09:00:00")],
            "rejected DUPLICATE_INVOICE", "same fixmedins_code + invoice_no as ZY20260201-0007, approved earlier in this run",
            invoice_no="3100126000123"),
        claim(P, "gaoyuan", Z, "ZY20260216-0650", "21", "2026-02-16", "2026-02-22", "S82.201", [
            fee(DA, "10", "50.00", "2026-02-16T09:00:00"), fee(BED, "6", "60.00", "2026-02-22T08:00:00")],
            "rejected NOT_FILED", "Suzhou (320500) refuses unfiled care; his resident_worker filing ended 2025-08-31"),
        claim(P, "zhangwei", Z, "ZY20260209-0702", "21", "2026-02-09", "2026-02-15", "I21.9", [
            fee(DA, "6", "50.00", "2026-02-09T09:00:00")],
            "rejected OVERLAPPING_STAY", "shares 2026-02-09 and 2026-02-10 with ZY20260201-0007"),
        claim(P, "zhangwei", Z, "ZY20260210-0733", "21", "2026-02-10", "2026-02-14", "I21.9", [
            fee(DA, "30", "50.00", "2026-02-10T09:00:00"), fee(BED, "4", "60.00", "2026-02-14T08:00:00")],
            "approved", "same-day transfer: shares only 2026-02-10 with ZY20260201-0007; the personal account is spent (acct_pay 0.00)"),
        claim(P, "wangfang", "H31011500099", "MZ20260220-0801", "11", "2026-02-20", "2026-02-20", "J06.900", [
            fee(DA, "2", "50.00", "2026-02-20T09:00:00")],
            "rejected NOT_DESIGNATED", "the clinic's designation ended 2025-12-31"),
    ]
    B = [
        claim(P, "wangfang", GZ, "ZY20260203-1001", "21", "2026-02-03", "2026-02-11", "E11.900", [
            fee(DA, "10", "50.00", "2026-02-03T09:00:00"), fee(ATOR, "30", "3.25", "2026-02-03T09:10:00"),
            fee(GD44, "3", "28.00", "2026-02-04T09:00:00"), fee(SH31, "2", "45.60", "2026-02-04T09:05:00"),
            fee(BED, "8", "70.00", "2026-02-11T08:00:00"), fee(NURSE, "8", "40.00", "2026-02-11T08:00:00")],
            "approved (direct: paid to the hospital)", "province 44 row beats the national one (atorvastatin class 01), a Guangdong-only drug, a Shanghai-only drug is NOT_IN_CATALOGUE here"),
        claim(P, "huangmin", GZ, "ZY20260204-1022", "21", "2026-02-04", "2026-02-09", "I25.103", [
            fee(PCI, "1", "5800.00", "2026-02-05T10:00:00"), fee(STENT, "1", "9200.00", "2026-02-05T10:30:00"),
            fee(ENOX, "10", "36.80", "2026-02-05T12:00:00"), fee(BED, "5", "60.00", "2026-02-09T08:00:00")],
            "approved", "a stent above its cap (overlmt 1200.00) then class 02 (0.30 of 8000.00); retiree with a relocated_retiree filing"),
        claim(P, "mayan", GZ, "MZ20260206-1107", "11", "2026-02-06", "2026-02-06", "M54.500", [
            fee(DA, "6", "50.00", "2026-02-06T09:00:00"), fee(CT, "2", "150.00", "2026-02-06T10:00:00"),
            fee(DB, "10", "100.00", "2026-02-06T10:30:00")],
            "approved", "a resident's outpatient care under a 6-digit filing (440104); per-year deductible 600.00"),
        claim(P, "hujun", GZ, "ZY20260120-1150", "21", "2026-01-20", "2026-02-18", "C50.901", [
            fee(TRAS, "30", "2100.00", "2026-01-21T10:00:00"), fee(ICU, "10", "300.00", "2026-01-30T08:00:00"),
            fee(BED, "20", "60.00", "2026-02-18T08:00:00"), fee(CT, "10", "150.00", "2026-01-22T09:00:00"),
            fee(PIP, "30", "68.50", "2026-01-25T10:00:00"), fee(DA, "10", "50.00", "2026-01-25T10:00:00"),
            fee(MAT, "30", "12.50", "2026-01-25T10:00:00")],
            "approved", "residents' critical illness: the in-scope burden crosses the 15000.00 threshold and 390200 pays 60% above it"),
        claim(P, "songjia", GZ, "ZY20260210-1201", "21", "2026-02-10", "2026-02-14", "S06.000", [
            fee(CT, "3", "150.00", "2026-02-10T02:00:00"), fee(ICU, "2", "260.00", "2026-02-11T08:00:00"),
            fee(BED, "3", "60.00", "2026-02-14T08:00:00"), fee(DA, "6", "50.00", "2026-02-10T03:00:00")],
            "approved", "emergency (急诊抢救) counts as filed: Suzhou rejects unfiled care, but not emergency care", emergency="1"),
        claim(P, "huangmin", GZ, "MZ20260220-1250", "11", "2026-02-20", "2026-02-20", "I10", [
            fee(ATOR, "30", "3.25", "2026-02-20T09:00:00"), fee(DA, "5", "50.00", "2026-02-20T09:05:00")],
            "rejected INVOICE_TOTAL_MISMATCH", "invoice 356.00, fee lines 347.50", invoice="356.00"),
        claim(P, "zhaolei", GZ, "MZ20260223-1322", "11", "2026-02-23", "2026-02-23", "K29.700", [
            fee(DB, "6", "100.00", "2026-02-23T09:00:00"), fee(CT, "1", "150.00", "2026-02-23T10:00:00")],
            "approved", "no bank account on the roster, but a direct claim pays the hospital"),
    ]
    C = [
        claim(P, "duqiang", HB, "MZ20260105-2001", "11", "2026-01-05", "2026-01-05", "J45.900", [
            fee(DA, "6", "50.00", "2026-01-05T09:00:00"), fee(CT, "1", "150.00", "2026-01-05T10:00:00"),
            fee(DB, "2", "100.00", "2026-01-05T10:10:00")],
            "approved; funds 0.00, acct 650.00", "the per-year deductible takes all of 630.00 in scope; the account pays the in-scope self-pay share"),
        claim(P, "duqiang", HB, "MZ20260212-2002", "11", "2026-02-12", "2026-02-12", "J45.900", [
            fee(DA, "12", "50.00", "2026-02-12T09:00:00"), fee(CT, "2", "150.00", "2026-02-12T10:00:00")],
            "approved; 310100 265.00", "the rest of the per-year deductible (370.00), then 530.00 at 50%"),
        claim(P, "zhoujie", HB, "MZ20260213-2003", "11", "2026-02-13", "2026-02-13", "J06.900", [
            fee(DA, "2", "50.00", "2026-02-13T09:00:00")],
            "rejected NOT_COVERED", "the person is suspended"),
        claim(P, "sunhao", HB, "MZ20260115-2004", "11", "2026-01-15", "2026-01-15", "J06.900", [
            fee(DA, "2", "50.00", "2026-01-15T09:00:00")],
            "rejected NOT_COVERED", "coverage ended 2025-12-31"),
        claim(None, None, HB, "MZ20260116-2005", "11", "2026-01-16", "2026-01-16", "J06.900", [
            fee(DA, "2", "50.00", "2026-01-16T09:00:00")],
            "rejected UNKNOWN_PERSON", "psn_no not on the roster", name="钱多多",
            certno="130105197705051237", psn_no="13010000000000999999"),
        claim(P, "heping", HB, "MZ20250910-2006", "11", "2025-09-10", "2025-09-10", "I10", [
            fee(ATOR, "28", "3.25", "2025-09-10T09:00:00")],
            "rejected LATE_SUBMISSION", "181 days after enddate (deadline 180)"),
        claim(P, "jiangtao", HB, "MZ20250911-2007", "11", "2025-09-11", "2025-09-11", "I10", [
            fee(ATOR, "28", "3.25", "2025-09-11T09:00:00"), fee(CT, "1", "150.00", "2025-09-11T10:00:00")],
            "approved", "exactly 180 days after enddate is in time; a 2025 claim (atorvastatin's 2025 row, selfpay 0.05; 2025 accumulators)"),
        claim(P, "zhaolei", HB, "MZ20260218-2008", "11", "2026-02-18", "2026-02-18", "K29.700", [
            fee(DA, "4", "50.00", "2026-02-18T09:00:00")],
            "rejected NO_BANK_ACCOUNT", "manual claim, no bank account on the roster"),
        claim(P, "liuyang", HB, "ZY20260120-2009", "21", "2026-01-20", "2026-01-25", "K80.100", [
            fee(DA, "10", "50.00", "2026-01-20T09:00:00"), fee(BED, "5", "60.00", "2026-01-25T08:00:00")],
            "rejected MISSING_DOCUMENTS", "inpatient care without discharge_summary", docs="invoice fee_list"),
        claim(P, "linmei", HB, "MZ20260219-2010", "11", "2026-02-19", "2026-02-19", "E11.900", [
            fee(DB, "10", "100.00", "2026-02-19T09:00:00"), fee(DA, "6", "50.00", "2026-02-19T09:05:00")],
            "approved", "a resident's local outpatient care: 600.00 per-year deductible, then 40%"),
        claim(P, "guoxin", HB, "ZY20260202-2011", "21", "2026-02-02", "2026-02-06", "J18.900", [
            fee(DA, "10", "50.00", "2026-02-02T09:00:00"), fee(PIP, "8", "68.50", "2026-02-02T10:00:00"),
            fee(BED, "4", "60.00", "2026-02-06T08:00:00"), fee(NURSE, "4", "35.00", "2026-02-06T08:00:00")],
            "approved", "a newborn resident (1401), local inpatient care"),
        claim(P, "wuqiang", HB, "ZY20260203-2012", "21", "2026-02-03", "2026-02-13", "I63.900", [
            fee(CT, "3", "150.00", "2026-02-03T09:00:00"), fee(ENOX, "10", "36.80", "2026-02-03T10:00:00"),
            fee(BED, "10", "60.00", "2026-02-13T08:00:00"), fee(NURSE, "10", "35.00", "2026-02-13T08:00:00"),
            fee(HQ, "60", "0.85", "2026-02-05T09:00:00")],
            "approved", "离休 (1300) counts as retired: 85 + 5 = 90%"),
    ]
    D = [
        claim(P, "zhengkai", SZ, "ZY20260201-3001", "21", "2026-02-01", "2026-02-08", "K35.800", [
            fee(DA, "12", "50.00", "2026-02-01T09:00:00"), fee(DB, "6", "100.00", "2026-02-01T10:00:00"),
            fee(CT, "1", "160.00", "2026-02-01T11:00:00"), fee(BED, "7", "50.00", "2026-02-08T08:00:00")],
            "approved", "local care in Suzhou; the account covers all self-pay (all_self_pay)"),
        claim(P, "liangqing", SZ, "MZ20260205-3002", "14", "2026-02-05", "2026-02-05", "E11.900", [
            fee(ATOR, "60", "3.25", "2026-02-05T09:00:00")],
            "rejected MISSING_DOCUMENTS", "chronic care (14) needs a diagnosis_cert in Suzhou"),
        claim(P, "xieming", SZ, "MZ20260206-3003", "14", "2026-02-06", "2026-02-06", "I10", [
            fee(ATOR, "60", "3.25", "2026-02-06T09:00:00"), fee(DA, "4", "50.00", "2026-02-06T09:05:00")],
            "approved", "chronic group with a zero deductible; retiree 85 + 5 = 90%", docs="invoice fee_list diagnosis_cert"),
        claim(P, "luoxia", SZ, "MZ20260207-3004", "11", "2026-02-07", "2026-02-07", "M17.900", [
            fee(CT, "2", "150.00", "2026-02-07T09:00:00"), fee(DB, "12", "100.00", "2026-02-07T09:10:00")],
            "approved", "retiree outpatient: 800.00 deductible, then 70 + 8 = 78%"),
        claim(P, "tangjian", SZ, "ZY20260110-3005", "21", "2026-01-10", "2026-02-08", "C16.900", [
            fee(TRAS, "20", "2100.00", "2026-01-11T10:00:00"), fee(ECMO, "2", "28000.00", "2026-01-13T08:00:00"),
            fee(ICU, "6", "260.00", "2026-01-15T08:00:00"),
            fee(BED, "24", "50.00", "2026-02-08T08:00:00"), fee(CT, "6", "150.00", "2026-01-12T09:00:00")],
            "approved", "RESTRICTED_USE (trastuzumab for C16, limited to C50); critical illness above 18000.00"),
        claim(P, "hanxue", SZ, "MZ20260210-3006", "11", "2026-02-10", "2026-02-10", "J06.900", [
            fee(DA, "2", "50.00", "2026-02-10T09:00:00")],
            "rejected NO_POLICY", "Suzhou's residents' scheme has no outpatient group"),
        claim(P, "weina", "H32010600019", "ZY20260212-3007", "21", "2026-02-12", "2026-02-15", "S72.000", [
            fee(CT, "2", "150.00", "2026-02-12T01:30:00"), fee(BED, "3", "60.00", "2026-02-15T08:00:00"),
            fee(DA, "6", "50.00", "2026-02-12T02:00:00")],
            "approved", "Nanjing is cross-region for Suzhou (3201 vs 3205); emergency, so not refused", emergency="1"),
    ]
    E = [
        claim(P, "dengchao", HX, "ZY20260101-4001", "21", "2026-01-01", "2026-02-05", "J96.000", [
            fee(ECMO, "9", "28000.00", "2026-01-02T08:00:00"), fee(ICU, "30", "300.00", "2026-02-01T08:00:00"),
            fee(PIP, "60", "68.50", "2026-01-05T10:00:00"), fee(DA, "20", "50.00", "2026-01-20T09:00:00"),
            fee(BED, "5", "60.00", "2026-02-05T08:00:00")],
            "approved, ANNUAL_CAP_REACHED", "310100 would pay more than its 200000.00 annual cap in one claim"),
        claim(P, "pengfei", "H51070300009", "ZY20260203-4002", "21", "2026-02-03", "2026-02-07", "K35.800", [
            fee(DA, "10", "50.00", "2026-02-03T09:00:00"), fee(BED, "4", "60.00", "2026-02-07T08:00:00"),
            fee(CT, "1", "150.00", "2026-02-03T10:00:00")],
            "approved", "Mianyang (510703) is not cross-region for Chengdu at cross_region_level province: no filing needed, no reduction"),
        claim(P, "zenghong", "H11010200031", "ZY20260204-4003", "21", "2026-02-04", "2026-02-10", "I63.900", [
            fee(CT, "2", "150.00", "2026-02-04T09:00:00"), fee(BED, "6", "60.00", "2026-02-10T08:00:00"),
            fee(ENOX, "12", "36.80", "2026-02-05T10:00:00")],
            "approved, UNFILED_REDUCTION", "retiree unfiled in Beijing: 85 + 5 − 12.5 = 77.5%"),
        claim(P, "xiaobo", "H44030400012", "ZY20260206-4004", "21", "2026-02-06", "2026-02-09", "K40.900", [
            fee(DA, "8", "50.00", "2026-02-06T09:00:00"), fee(BED, "3", "50.00", "2026-02-09T08:00:00")],
            "approved, UNFILED_REDUCTION", "his temporary filing to 44 ended 2025-12-31; level 2: 87.5 − 12.5 = 75%; bed over the level-2 standard 45.00"),
        claim(P, "yuanhua", HX, "ZY20260115-4005", "21", "2026-01-15", "2026-02-10", "C18.900", [
            fee(ECMO, "3", "28000.00", "2026-01-17T08:00:00"),
            fee(ICU, "8", "260.00", "2026-01-16T08:00:00"), fee(BED, "18", "60.00", "2026-02-10T08:00:00"),
            fee(PCI, "1", "5800.00", "2026-01-20T10:00:00"), fee(PIP, "40", "68.50", "2026-01-18T10:00:00"),
            fee(MAT, "40", "12.50", "2026-01-18T10:00:00"), fee(DB, "30", "100.00", "2026-01-25T09:00:00")],
            "approved", "residents' critical illness in Chengdu (threshold 12000.00)"),
    ]
    return [
        ("SUB-31010400017-20260301.xml", "manual", "2026-03-01", "SUB-31010400017-20260301", A, "xml", None),
        ("SUB-44010400008-20260305.csv", "direct", "2026-03-05", None, B, "csv", "utf-8"),
        ("SUB-13010200003-20260310.csv", "manual", "2026-03-10", None, C, "csv", "gb18030"),
        ("SUB-32050800004-20260312.xml", "manual", "2026-03-12", "SUB-32050800004-20260312", D, "xml", None),
        ("SUB-510100-20260315.xml", "direct", "2026-03-15", "SUB-510100-20260315", E, "xml", None),
    ]

FIELDS = ["fixmedins_code", "mdtrt_id", "psn_no", "psn_name", "certno", "insutype", "insu_admdvs", "med_type",
          "begndate", "enddate", "dise_codg", "emergency"]

def xml_file(sub_id, submitted, mode, claims):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<submission xmlns="urn:medclaims:submission:1" id="{sub_id}" submitted="{submitted}" mode="{mode}">']
    for c in claims:
        out.append("  <claim>")
        out.append("    " + "".join(f"<{f}>{escape(c[f])}</{f}>" for f in FIELDS[:4]))
        out.append("    " + "".join(f"<{f}>{escape(c[f])}</{f}>" for f in FIELDS[4:8]))
        out.append("    " + "".join(f"<{f}>{escape(c[f])}</{f}>" for f in FIELDS[8:]))
        out.append(f'    <invoice no="{c["invoice_no"]}" date="{c["invoice_date"]}" amount="{c["invoice_amount"]}"/>')
        out.append(f'    <documents>{c["documents"]}</documents>')
        out.append("    <fees>")
        for i, l in enumerate(c["lines"], 1):
            out.append(f'      <fee sn="{i}" code="{l["code"]}" name={quoteattr(l["name"])} time="{l["time"]}" '
                       f'cnt="{l["cnt"]}" pric="{l["pric"]}" amount="{l["amount"]}"/>')
        out.append("    </fees>")
        out.append("  </claim>")
    out.append("</submission>")
    return "\n".join(out) + "\n"

def csv_file(submitted, mode, claims):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    header = FIELDS + ["invoice_no", "invoice_date", "invoice_amount", "documents", "submitted", "mode",
                       "fee_sn", "fee_code", "fee_name", "fee_time", "cnt", "pric", "amount"]
    w.writerow(header)
    for c in claims:
        for i, l in enumerate(c["lines"], 1):
            w.writerow([c[f] for f in FIELDS] + [c["invoice_no"], c["invoice_date"], c["invoice_amount"],
                       c["documents"], submitted, mode, i, l["code"], l["name"], l["time"], l["cnt"], l["pric"], l["amount"]])
    return buf.getvalue()

def write_inbox(P):
    rows = []
    for name, mode, submitted, sub_id, claims, kind, enc in files(P):
        path = "inbox/" + name
        if kind == "xml":
            open(path, "w", encoding="utf-8").write(xml_file(sub_id, submitted, mode, claims))
        else:
            text = csv_file(submitted, mode, claims)
            open(path, "wb").write(text.encode("gb18030" if enc == "gb18030" else "utf-8"))
        for c in claims:
            rows.append(f"| {name} | {c['mdtrt_id']} | {c['expect']} | {c['shows']} |")
    open("tools/claims-table.md", "w", encoding="utf-8").write("\n".join(rows) + "\n")
