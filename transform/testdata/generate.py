#!/usr/bin/env python3
"""Writes the golden-test scenarios (testdata/<name>/scenario.json).

Run from transform/testdata: python3 generate.py. The scenarios are inputs;
the goldens (testdata/<name>/golden/*.csv) are the spec, rewritten by
`go test ./transform -run TestGoldenMarts -update` and reviewed by hand
against PRODUCT.md. Keys follow extract's field names (encoding/json
matches them case-insensitively). as_of is the report refresh date
2026-11-20 unless a scenario says otherwise.
"""
import copy, hashlib, json, os

P = {  # service plans: key -> (id, name)
 'EXO2': ('efb87545-963c-4e0d-99df-69c6916d9eb0', 'EXCHANGE_S_ENTERPRISE'),
 'SPO2': ('5dbe027f-2339-4123-9542-606e4d348a72', 'SHAREPOINTENTERPRISE'),
 'TEAMS': ('57ff2da0-773e-42df-b2af-ffb7a2317929', 'TEAMS1'),
 'SKYPE': ('0feaeb32-d00e-4d66-bd5a-43b5b83db82c', 'MCOSTANDARD'),
 'APPS': ('43de0ff5-c92c-492b-9116-175376d08c38', 'OFFICESUBSCRIPTION'),
 'YAM': ('7547a3fe-08ee-4ccb-b430-5077c5041653', 'YAMMER_ENTERPRISE'),
 'EXO1': ('9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'EXCHANGE_S_STANDARD'),
 'VISIO': ('663a804f-1c30-4ff0-9915-9db84f0d1cea', 'VISIO_CLIENT_SUBSCRIPTION'),
 'VISIOWEB': ('2bdbaf8f-738f-4ac7-9234-3c3ee2ce7d0f', 'VISIOONLINE'),
 'ODB': ('da792a53-cbc0-4184-a10d-e544dd34b3c1', 'ONEDRIVE_BASIC'),
 'EXOF': ('113feb6c-3fe4-4440-bddc-54d774bf0318', 'EXCHANGE_S_FOUNDATION'),
 'BI': ('70d33638-9c74-4d01-bfd3-562de28bd4ba', 'BI_AZURE_P2'),
 'FLOWV': ('50e68c76-46c6-4674-81f9-75456511b170', 'FLOW_P2_VIRAL'),
 'PSTN5': ('54a152dc-90de-4996-93d2-bc47e670fc06', 'MCOPSTN5'),
}
E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965'; E5 = '06ebc4ee-1bb5-47dd-8120-11324bc54e06'
EXS = '4b9405b0-7788-4568-add1-99614e613b69'; VIS = 'c5928f49-12ba-48f7-ada3-0d743a3601d5'
FLOW = 'f30db892-07e9-47e9-837c-80727f46fd3d'; PBI = 'f8a1db68-be16-40ed-86d5-cb42ce701560'
VIS1 = '4b244418-9658-4451-a2b8-b5e2b364e9bd'; EXE = '19ec0d23-8335-4cbd-94ac-6050e30712fa'
# MCOPSTN5 has two GUIDs in Microsoft's catalogue: join on the GUID.
PSTNA = '54a152dc-90de-4996-93d2-bc47e670fc06'; PSTNB = 'd43177b5-475b-4880-92d4-d54c27b5efbd'
G1, G2, G3 = ('aaaaaaaa-0000-0000-0000-00000000000%d' % i for i in (1, 2, 3))


def plans(*keys, company=()):
    out = [{"servicePlanId": P[k][0], "servicePlanName": P[k][1], "provisioningStatus": "Success", "appliesTo": "User"} for k in keys]
    out += [{"servicePlanId": P[k][0], "servicePlanName": P[k][1], "provisioningStatus": "Success", "appliesTo": "Company"} for k in company]
    return out


def sku(sid, part, ks, enabled, consumed, status="Enabled", warning=0, suspended=0, company=()):
    return {"id": "t_" + sid, "skuId": sid, "skuPartNumber": part, "capabilityStatus": status, "appliesTo": "User",
            "consumedUnits": consumed, "prepaidUnits": {"enabled": enabled, "warning": warning, "suspended": suspended, "lockedOut": 0},
            "servicePlans": plans(*ks, company=company)}


def state(s, group=None, when="2025-01-01T10:00:00Z", st="Active", err="None"):
    return {"skuId": s, "assignedByGroup": group, "state": st, "error": err, "lastUpdatedDateTime": when}


def ALL(d):
    return {"Exchange": d, "OneDrive": d, "SharePoint": d, "Skype": d, "Teams": d}


def rules_snapshot():
    users, rows, lic = [], [], {}

    def user(n, upn, skus, created="2024-01-01", enabled=True, utype="Member", dept="Sales", loc="US",
             states=None, disabled=None, report=None, rupn=None, ou=None, synced=True):
        al = [{"skuId": s, "disabledPlans": (disabled or {}).get(s, [])} for s in skus]
        st = states if states is not None else [state(s) for s in skus]
        users.append({"id": "00000000-0000-0000-0000-0000000000%02d" % n, "userPrincipalName": upn, "displayName": "User %d" % n,
                      "department": dept, "costCenter": "CC-%d" % (100 + n % 3), "usageLocation": loc, "userType": utype,
                      "accountEnabled": enabled, "createdDateTime": created + "T09:00:00Z",
                      "assignedLicenses": al, "licenseAssignmentStates": st})
        if ou is not None:  # synced from on-premises AD (synced=False: sync since switched off)
            users[-1].update({"onPremisesDistinguishedName": "CN=User %d,%sOU=Users,DC=contoso,DC=example" % (n, ou),
                              "onPremisesSyncEnabled": synced})
        for s in skus:
            lic[s] = lic.get(s, 0) + 1
        if report is not None:
            rows.append({"upn": rupn or upn, "last": report})

    # Users 2-5 sit on either side of the inactivity and grace thresholds;
    # each reason's boundaries are pinned by its model test in sql/
    # (stg_reason_*_test.go), these rows only carry them to the goldens.
    user(1, "active@contoso.example", [E3], report=ALL("2026-11-18"), ou="OU=Sales,")
    user(2, "idle90@contoso.example", [E3], report=ALL("2026-08-22"), ou="OU=Sales,")
    user(3, "idle89@contoso.example", [E3], report=ALL("2026-08-23"))
    user(4, "never30@contoso.example", [E3], created="2026-10-21", states=[state(E3, when="2026-10-21T08:00:00Z")], report={})
    user(5, "never29@contoso.example", [E3], created="2026-10-22", states=[state(E3, when="2026-10-22T08:00:00Z")], report={})
    user(6, "disabled@contoso.example", [E3], enabled=False, report=ALL("2026-11-19"))
    user(7, "guest_gmail.com#EXT#@contoso.example", [E3, FLOW], utype="Guest", report=ALL("2026-11-19"))  # FLOW_FREE ignored
    user(8, "e5e3@contoso.example", [E5, E3], report=ALL("2026-11-19"))        # E3 redundant beside E5
    user(9, "exo1e3@contoso.example", [EXS, E3], report=ALL("2026-11-19"))     # Exchange Plan 1 redundant beside E3
    user(10, "Mixed.Case@Contoso.example", [E3], report=ALL("2026-07-23"), rupn="mixed.case@CONTOSO.EXAMPLE")
    user(11, "visio@contoso.example", [VIS], report={})                         # no workloads: no activity rule
    user(12, "absent@contoso.example", [E3])                                    # not in the report
    user(13, "twogroups@contoso.example", [E3], states=[state(E3, G1, "2025-02-01T00:00:00Z"), state(E3, G2, "2025-03-01T00:00:00Z")], report=ALL("2026-05-04"))
    user(14, "directgroup@contoso.example", [E3], states=[state(E3, None, "2025-02-01T00:00:00Z"), state(E3, G1, "2025-01-15T00:00:00Z")], report=ALL("2026-05-04"))
    user(15, "svc-backup@contoso.example", [E3], report=ALL("2026-01-01"))     # excluded by UPN glob
    user(16, "legal@contoso.example", [E3], dept="Legal", report=ALL("2026-01-01"), ou="OU=Legal,", synced=False)  # exclusion expired yesterday
    user(17, "exec@contoso.example", [E3], states=[state(E3, G3, "2025-02-01T00:00:00Z")], report=ALL("2026-01-01"))  # group exclusion until today
    user(18, "nolocation@contoso.example", [E3], loc="", report=ALL("2026-11-19"), ou="")
    user(19, "pbierror@contoso.example", [E3], states=[state(E3, None, "2025-01-01T00:00:00Z"), state(PBI, G1, "2025-01-01T00:00:00Z", "Error", "CountViolation")], report=ALL("2026-11-19"))
    user(20, "disabledidle@contoso.example", [E3], enabled=False, report=ALL("2026-01-01"))
    user(21, "noteams@contoso.example", [E3], disabled={E3: [P['TEAMS'][0]]},
         report={"Exchange": "2026-08-01", "OneDrive": "2026-08-01", "SharePoint": "2026-08-01", "Skype": "2026-08-01", "Teams": "2026-11-19"})
    user(22, "pbi@contoso.example", [PBI], report=ALL("2026-11-19"))
    user(23, "temp-a1@contoso.example", [E3], report=ALL("2026-01-01"))        # excluded by "TEMP-?1@*"
    user(24, "temp-ab1@contoso.example", [E3], report=ALL("2026-01-01"))       # ? is one character: not excluded
    user(25, "visiogone@contoso.example", [VIS], enabled=False, report={})      # excluded by sku "visioclient"
    user(26, "visio12@contoso.example", [VIS1, VIS], report={})                # Visio Plan 1 plans within Plan 2 (Company plan aside)
    user(27, "pstn@contoso.example", [PSTNA, PSTNB], report=ALL("2026-11-19"))  # identical plan sets: one redundant
    user(28, "exoe@contoso.example", [EXE], report=ALL("2026-08-01"))          # SKU without tenant plans: catalogue fallback
    rows.append({"upn": "deleted@contoso.example", "deleted": True, "last": ALL("2026-11-01")})
    skus = [sku(E3, "SPE_E3", ["EXO2", "SPO2", "TEAMS", "SKYPE", "APPS", "YAM"], 22, lic[E3], warning=2),
            sku(E5, "SPE_E5", ["EXO2", "SPO2", "TEAMS", "SKYPE", "APPS", "YAM", "BI"], 0, lic[E5], status="Suspended", suspended=5),
            sku(EXS, "EXCHANGESTANDARD", ["EXO1"], 5, lic[EXS]),
            sku(VIS, "VISIOCLIENT", ["VISIO", "VISIOWEB", "ODB"], 4, lic[VIS]),
            sku(VIS1, "VISIOONLINE_PLAN1", ["VISIOWEB", "ODB"], 2, lic[VIS1], company=["EXOF"]),
            sku(FLOW, "FLOW_FREE", ["FLOWV"], 10000, lic[FLOW]),
            sku(PBI, "POWER_BI_PRO", ["BI"], 1, lic[PBI]),
            sku(PSTNA, "MCOPSTN5", ["PSTN5"], 1, 1),
            sku(PSTNB, "MCOPSTN5", ["PSTN5"], 1, 1),
            sku(EXE, "EXCHANGEENTERPRISE", [], 1, 1)]
    def sub(n, s, part, status, trial, total, created, nxt):
        return {"id": "5b000000-0000-0000-0000-0000000000%02d" % n, "skuId": s, "skuPartNumber": part, "status": status, "isTrial": trial,
                "totalLicenses": total, "createdDateTime": created + "T00:00:00Z", "nextLifecycleDateTime": nxt + "T00:00:00Z"}
    subs = [sub(1, E3, "SPE_E3", "Enabled", False, 22, "2024-12-15", "2026-12-15"),
            sub(2, E5, "SPE_E5", "Suspended", False, 5, "2025-06-01", "2027-06-01"),
            sub(3, PBI, "POWER_BI_PRO", "Enabled", True, 1, "2026-11-01", "2026-12-01"),
            sub(4, EXS, "EXCHANGESTANDARD", "Enabled", False, 5, "2026-01-01", "2026-12-20"),   # 30 days: expiring
            sub(5, VIS, "VISIOCLIENT", "Enabled", False, 3, "2026-01-01", "2027-01-01"),
            sub(6, VIS1, "VISIOONLINE_PLAN1", "Enabled", False, 2, "2026-03-01", "2026-12-21"),  # 31 days: not expiring
            sub(7, PSTNA, "MCOPSTN5", "Enabled", False, 1, "2026-01-01", "2027-01-01"),
            sub(8, PSTNB, "MCOPSTN5", "Enabled", False, 1, "2026-01-01", "2027-02-01")]
    return {"tenant": "contoso", "date": "2026-11-22", "users": users, "skus": skus, "subscriptions": subs, "groups": [],
            "settings": {"displayConcealedNames": False}, "report": {"refresh_date": "2026-11-20", "rows": rows}}


RULES = {"inactivity_days": 90, "grace_days": 30, "ignore_skus": ["FLOW_FREE"],
         "exclusions": [{"upn": "SVC-*@contoso.example", "reason": "service account"},
                        {"upn": "TEMP-?1@*", "reason": "temporary staff"},
                        {"sku": "visioclient", "reason": "design team keeps Visio"},
                        {"department": "Legal", "reason": "legal hold", "until": "2026-11-19T00:00:00Z"},
                        {"groupId": G3, "reason": "executives", "until": "2026-11-20T00:00:00Z"}],
         # SPE_E3: 22 consumed pass 20 (over_limit); VISIOCLIENT: 3 consumed
         # reach 3 and do not pass it. Only the rules scenario's tenant.
         "limits": [{"tenant": "contoso", "sku": "SPE_E3", "maxUnits": 20},
                    {"tenant": "contoso", "sku": "visioclient", "maxUnits": 3}]}


def price(s, p, cur, billing, term, eff="2020-01-01", exp=None):
    out = {"sku": s, "unitPrice": p, "currency": cur, "billing": billing, "term": term, "effective": eff + "T00:00:00Z"}
    if exp:
        out["expires"] = exp + "T00:00:00Z"
    return out


PRICING = {"currency": "USD", "fx": {"EUR": 1.1}, "prices": [
    price("SPE_E3", 39, "USD", "monthly", "annual"),
    price("SPE_E5", 720, "USD", "annual", "annual"),
    price("EXCHANGESTANDARD", 4, "USD", "monthly", "monthly"),
    price("VISIOCLIENT", 15, "EUR", "monthly", "annual"),
    price("VISIOONLINE_PLAN1", 5, "USD", "monthly", "annual"),
    price("MCOPSTN5", 12, "USD", "monthly", "monthly")]}


def hexname(s):
    return hashlib.md5(s.encode()).hexdigest().upper()


def write(name, snapshots, rules=RULES, pricing=PRICING):
    os.makedirs(name, exist_ok=True)
    with open(os.path.join(name, "scenario.json"), "w") as f:
        json.dump({"snapshots": snapshots, "rules": rules, "pricing": pricing}, f, indent=1)
        f.write("\n")


def main():
    base = rules_snapshot()
    write("rules", [base])

    # concealed: one tenant by report settings, one by 32-hex names only.
    a = copy.deepcopy(base); a["tenant"] = "concealed-settings"; a["settings"] = {"displayConcealedNames": True}
    b = copy.deepcopy(base); b["tenant"] = "concealed-hex"
    for s in (a, b):
        for r in s["report"]["rows"]:
            r["upn"] = hexname(r["upn"])
    write("concealed", [a, b])

    # pricing: effective-dated switch on as_of, triennial and annual billing,
    # fx into EUR, a currency without a rate, a price not yet effective.
    p = copy.deepcopy(base); p["tenant"] = "pricing"
    write("pricing", [p], pricing={"currency": "EUR", "fx": {"USD": 0.9}, "prices": [
        price("SPE_E3", 36, "USD", "monthly", "annual", exp="2026-11-19"),
        price("SPE_E3", 39, "USD", "monthly", "annual", eff="2026-11-20"),
        price("SPE_E5", 2160, "USD", "triennial", "annual"),
        price("EXCHANGESTANDARD", 44, "EUR", "annual", "monthly", exp="2026-11-20"),
        price("VISIOCLIENT", 12, "GBP", "monthly", "annual"),
        price("POWER_BI_PRO", 10, "USD", "monthly", "monthly", eff="2026-11-21"),
        price("VISIOONLINE_PLAN1", 5, "USD", "monthly", "annual"),
        price("MCOPSTN5", 12, "USD", "monthly", "monthly")]})

    # history: two snapshot days; on day 2 user 1 is disabled.
    h1 = copy.deepcopy(base); h1["tenant"] = "history"; h1["date"] = "2026-11-21"; h1["report"]["refresh_date"] = "2026-11-19"
    h2 = copy.deepcopy(base); h2["tenant"] = "history"
    for u in h2["users"]:
        if u["userPrincipalName"] == "active@contoso.example":
            u["accountEnabled"] = False
    write("history", [h1, h2])

    # report: refresh date 8 days before the run (stale) vs 7 (not), and a
    # report that failed to load (as_of falls back to the run date).
    s8 = copy.deepcopy(base); s8["tenant"] = "stale8"; s8["date"] = "2026-11-28"
    s7 = copy.deepcopy(base); s7["tenant"] = "stale7"; s7["date"] = "2026-11-27"
    nr = copy.deepcopy(base); nr["tenant"] = "noreport"; nr["report"] = None
    write("report", [s8, s7, nr])


if __name__ == "__main__":
    main()
