"""The NTDC story, told against real node processes on loopback.

Banks onboard customers through their bank-operations API; the custodian signs deposit receipts
and banks mint against them; customers pay each other through the wallet API (with travel-rule
data across banks); the AML rules flag a large transfer; the police hold a fraud suspect's
account; a redemption is burned and paid out; holders and the regulator verify proofs of
reserves; the clearing house takes NTDC as margin, calls for more, closes one call, liquidates a
defaulter and settles variation margin atomically; the primary validator is killed and comes
back. At the end every node and the observer must agree and every invariant must hold.
"""

from __future__ import annotations

import shutil
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from api.sdk.builders import Dossier, Signer
from api.sdk.client import ApiProblem, BankClient, WalletClient
from api.sdk.verify import verify_receipt
from ledger.crypto.keys import PrivateKey
from ledger.invariants import check_invariants
from ledger.por.verify import PorFailure, verify_por
from ledger.types import AccountKind, format_ntd, ntd
from nodes.custodian.runner import CustodianRunner, HttpNode
from nodes.custodian.service import Custodian
from nodes.demo.narrator import Narrator
from nodes.launcher.keys import load_network
from nodes.launcher.network import LocalNetwork
from nodes.storage.repository import Repository
from nodes.workload import Holder, Workload

CALL_DEADLINE_MS = 12_000
HOLD_MS = 6_000
"""The demo chain's police hold: 6 s of block time stands in for the statutory 48 h."""
"""Margin-call deadline for the demo (production default: 2 h), so a default happens live."""


def now_ms() -> int:
    return int(time.time() * 1000)


class Story:
    def __init__(self, directory: Path, base_port: int, attach: bool = False,
                 custodian_url: str | None = None, clearing_url: str | None = None) -> None:
        self.out = Narrator()
        self._deposits = 0
        self.custodian_url = custodian_url
        self.clearing_url = clearing_url
        self.custodian_port = base_port + 190
        self.custodian_process: Any = None
        self.clearing_process: Any = None
        self.directory = directory
        self.attach = attach
        """Attach to a running network (docker compose): no process control, no DB access."""
        if not attach:
            if directory.exists():
                shutil.rmtree(directory)
            LocalNetwork.create(
                directory, validators=4, observers=1, base_port=base_port,
                api_base_port=base_port + 100,
                params={"collateral_call_deadline_ms": CALL_DEADLINE_MS,
                        "police_hold_ms": HOLD_MS},
                checkpoint_interval=4, log_window=16)
        self.network = LocalNetwork(directory)
        self.genesis, self.keys = load_network(directory)
        self.work = Workload(self.genesis, self.keys, seed=2026)
        self.apis = {v.bank_id: v.api for v in self.genesis.validators}
        self.observer_api = self.genesis.observers[0].api

    # -- helpers ---------------------------------------------------------------------------
    def bank(self, bank_id: str) -> BankClient:
        client = BankClient(self.apis[bank_id])
        client.login(self.keys.bank_operator[bank_id], f"bank:{bank_id}")
        return client

    def regulator(self) -> WalletClient:
        client = WalletClient(self.observer_api)
        client.login(self.keys.roles["regulator"], "regulator")
        return client

    def submit(self, bank_id: str, envelope: dict[str, Any]) -> dict[str, Any]:
        """Submit through a bank node's wallet API and wait for the final receipt.

        A rejected transaction does not consume its nonce on chain, so the signer that made it
        gives the nonce back (wallets do the same)."""
        result = WalletClient(self.apis[bank_id]).submit(envelope, wait_s=30)
        receipt: dict[str, Any] | None = result["receipt"]
        if receipt is None:
            raise RuntimeError(f"{result['tx_id']} not final after 30 s")
        if receipt["status"] == "rejected":
            for signer in self._signers():
                if signer.signer == envelope["signer"] and signer.next_nonce == \
                        envelope["nonce"] + 1:
                    signer.next_nonce -= 1
        return receipt

    def _signers(self) -> list[Signer]:
        roles = list(getattr(self.work, "_roles", {}).values())
        return [h.signer for h in self.work.holders] + roles

    def onboard(self, bank_id: str, name: str, national_id: str,
                kind: AccountKind = AccountKind.INDIVIDUAL) -> Holder:
        key = PrivateKey.generate()
        holder = Holder(Signer.for_account(key, self.genesis.chain_id), bank_id)
        dossier = Dossier(name=name, national_id=national_id, birth_date="1988-08-08",
                          address=f"{national_id[-3:]} Xinyi Rd, Taipei")
        self.work.holders.append(holder)
        self.work.dossiers[holder.account], self.work.kinds[holder.account] = dossier, kind
        result = self.bank(bank_id).onboard(
            str(key.public_key()), {"name": name, "national_id": national_id,
                                    "birth_date": dossier.birth_date, "address": dossier.address},
            kind=kind.value, wait_s=30)
        self.out.check(result["status"] == "final",
                       f"{bank_id} onboarded {name} ({kind.value}) as {holder.account[:18]}…")
        return holder

    def deposit_receipt(self, bank: str, amount: int) -> dict[str, Any]:
        """The custodian's signed receipt for NT$ a bank moved into the reserve."""
        if self.custodian_url is None:
            return self.custodian.sign_deposit_receipt(bank, amount, now_ms())
        import httpx

        from nodes.custodian.deposits import sign_deposit_request

        self._deposits += 1
        body = sign_deposit_request(self.keys.bank_operator[bank], self.genesis.chain_id, bank,
                                    amount, f"demo-{self._deposits}")
        response = httpx.post(f"{self.custodian_url}/v1/deposits", json=body, timeout=30)
        response.raise_for_status()
        receipt: dict[str, Any] = response.json()
        return receipt

    def mint(self, holder: Holder, amount: int) -> None:
        receipt = self.deposit_receipt(holder.bank, amount)
        self.out.say(f"custodian: {format_ntd(amount)} from {holder.bank} reached the reserve; "
                     f"signed deposit receipt {receipt['receipt_id']}")
        result = self.bank(holder.bank).mint(holder.account, receipt, wait_s=30)
        self.out.check(result["status"] == "final",
                       f"{holder.bank} minted {format_ntd(amount)} to "
                       f"{self.work.dossiers[holder.account].name}")

    def balance(self, holder: Holder) -> int:
        client = WalletClient(self.apis[holder.bank])
        client.login(holder.signer.key)
        return client.balance()

    def statuses(self) -> dict[str, dict[str, Any]]:
        if not self.attach:
            return {s["name"]: s for s in self.network.status() if s["alive"]}
        from nodes.launcher.processes import get_status

        out = {}
        for name, api in [*((f"validator-{v.index}", v.api) for v in self.genesis.validators),
                          *((f"observer-{i}", o.api) for i, o in enumerate(self.genesis.observers))]:
            status = get_status(api)
            if status is not None:
                out[name] = {**status, "name": name, "api": api, "alive": True}
        return out

    def wait_agreement(self, names: list[str], timeout_s: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        last: dict[str, Any] = {}
        while time.monotonic() < deadline:
            last = self.statuses()
            pairs = {(last[n].get("height"), last[n].get("state_digest"))
                     for n in names if n in last}
            if len(pairs) == 1 and all(n in last for n in names):
                obs = last.get("observer-0")
                if obs is None or obs.get("blocks_verified") == obs.get("height"):
                    return last
            time.sleep(0.25)
        return last

    # -- the story -------------------------------------------------------------------------
    def run(self) -> int:
        try:
            self.start()
            self.onboarding()
            self.issuance()
            self.payments()
            self.aml_and_enforcement()
            self.redemption()
            self.reserves()
            self.collateral()
            if not self.attach:
                self.validator_failure()
            self.final_agreement()
        except Exception as exc:  # any failure ends the story with a clear message
            self.out.check(False, f"story stopped: {type(exc).__name__}: {exc}")
        finally:
            if self.clearing_process is not None:
                self.clearing_process.terminate()
                self.clearing_process.wait(timeout=10)
            if self.custodian_process is not None:
                self.custodian_process.terminate()
                self.custodian_process.wait(timeout=10)
            if not self.attach:
                self.network.stop()
        if not self.out.failures and not self.attach:
            self.check_databases()
        return self.out.finish()

    def start(self) -> None:
        self.out.chapter("A consortium of four banks and the regulator's observer")
        if self.attach:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and len(self.statuses()) < 5:
                time.sleep(1)
        else:
            self.network.start(timeout_s=120)
        for name, node in sorted(self.statuses().items()):
            self.out.say(f"{name:<12} {node['api']}  role {node.get('role')}  "
                         f"height {node.get('height')}")
        self.custodian = Custodian.from_genesis(self.genesis, self.keys.roles["custodian"])
        if not self.attach:
            self.start_custodian()
        elif self.custodian_url is None:
            # No deposit desk reachable: sign receipts here, from a separate sequence range so
            # we never reuse a sequence number of the custodian service running beside us.
            self.custodian.books.seq = 1_000_000
        self.custodian_runner = CustodianRunner(
            self.custodian, HttpNode(self.apis["BANK-A"], self.keys.roles["custodian"]),
            attest_every_ms=0)

    def start_custodian(self) -> None:
        """The reserve custodian as its own process: deposit desk, payouts, attestations."""
        import subprocess
        import sys

        import httpx

        books = self.directory / "custodian" / "books.json"
        books.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.directory / "custodian" / "custodian.log", "ab")  # noqa: SIM115
        self.custodian_process = subprocess.Popen(
            [sys.executable, "-m", "nodes.cli.main", "custodian", "run",
             "--genesis", str(self.directory / "genesis.json"),
             "--key-file", str(self.directory / "keys" / "custodian.key"),
             "--api", self.apis["BANK-A"], "--books", str(books), "--interval", "1",
             "--attest-every", "5", "--port", str(self.custodian_port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.custodian_url = f"http://127.0.0.1:{self.custodian_port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.custodian_url}/v1/status", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        self.out.say(f"custodian     pid {self.custodian_process.pid:<7} {self.custodian_url}  "
                     "deposit desk, payouts, attestations")

    def onboarding(self) -> None:
        self.out.chapter("KYC onboarding through each bank's operations API")
        self.alice = self.onboard("BANK-A", "Lin Mei-Ling", "A223456789")
        self.bob = self.onboard("BANK-B", "Chen Wei", "F128765432")
        self.chen_co = self.onboard("BANK-C", "Chen Trading Co., Ltd.", "24536806",
                                    AccountKind.COMPANY)
        self.member1 = self.onboard("BANK-D", "Formosa Futures Clearing", "53212539",
                                    AccountKind.CLEARING_MEMBER)
        self.member2 = self.onboard("BANK-D", "Keelung Harbour Futures", "80123458",
                                    AccountKind.FCM)
        ccp_key = self.keys.roles["ccp"]
        self.ccp = Holder(Signer.for_account(ccp_key, self.genesis.chain_id), "BANK-A")
        self.work.dossiers[self.ccp.account] = Dossier(
            name="Taiwan Futures Clearing House", national_id="CCP-0001",
            birth_date="1998-01-01", address="100 Roosevelt Rd, Taipei")
        self.work.kinds[self.ccp.account] = AccountKind.CCP
        result = self.bank("BANK-A").onboard(
            str(ccp_key.public_key()), {"name": "Taiwan Futures Clearing House",
                                        "national_id": "CCP-0001", "birth_date": "1998-01-01",
                                        "address": "100 Roosevelt Rd, Taipei"},
            kind="ccp", wait_s=30)
        self.out.check(result["status"] == "final",
                       "BANK-A registered the clearing house's own account (kind ccp)")
        regulator = self.regulator()
        record = regulator.request("GET", f"/v1/regulator/accounts/{self.alice.account}")
        self.out.check("Lin Mei-Ling" in str(record),
                       "the regulator opens Lin Mei-Ling's sealed dossier on its own node")
        try:
            self.bank("BANK-B").customer(self.alice.account)
            self.out.check(False, "BANK-B must not read BANK-A's customer's real name")
        except ApiProblem as exc:
            self.out.check(exc.status in (403, 404),
                           f"BANK-B asking for BANK-A's customer's real name: refused ({exc.status})")

    def issuance(self) -> None:
        self.out.chapter("Issuance: no deposit receipt, no coin")
        self.mint(self.alice, ntd(200_000))
        self.mint(self.bob, ntd(50_000))
        self.mint(self.chen_co, ntd(2_000_000))
        self.mint(self.member1, ntd(3_000_000))
        self.mint(self.member2, ntd(1_000_000))
        from api.sdk.builders import sign_deposit_receipt

        forged = sign_deposit_receipt(
            PrivateKey.generate(), chain_id=self.genesis.chain_id, receipt_id="DR-FORGED-1",
            bank="BANK-B", amount=ntd(1_000_000), issued_at_ms=now_ms(), custodian_seq=99_999)
        try:
            result = self.bank("BANK-B").mint(self.bob.account, forged, wait_s=30)
            reason = (result.get("receipt") or {}).get("reason")
        except ApiProblem as exc:
            reason = exc.code
        self.out.check(reason == "RECEIPT_NOT_CUSTODIAN",
                       f"a mint against a receipt the custodian never signed: rejected ({reason})")

    def payments(self) -> None:
        self.out.chapter("Payments within and across banks, with finality proofs")
        envelope = self.work.transfer(self.alice, self.bob, ntd(12_000), "dinner")
        receipt = self.submit("BANK-A", envelope)
        self.out.check(receipt["status"] == "applied",
                       "Lin Mei-Ling paid Chen Wei NT$12,000.00 (BANK-A → BANK-B)")
        client = WalletClient(self.apis["BANK-B"])
        client.login(self.bob.signer.key)
        bundle = client.wait_for_finality(receipt["tx_id"], 30)
        verified = verify_receipt(bundle, self.genesis)
        self.out.check(verified.applied, "Chen Wei's wallet verified the receipt offline: "
                       f"{len(bundle['certificate']['commits'])} validator signatures on block "
                       f"{bundle['header']['height']}")
        big = self.work.transfer_with_travel_rule(self.alice, self.chen_co, ntd(45_000), "goods")
        self.out.check(self.submit("BANK-A", big)["status"] == "applied",
                       "NT$45,000 across banks carried travel-rule identities sealed to BANK-C "
                       "and the regulator")
        missing = self.work.transfer(self.alice, self.chen_co, ntd(45_000))
        receipt = self.submit("BANK-A", missing)
        self.out.check(receipt["status"] == "rejected",
                       f"the same transfer without travel-rule data: rejected ({receipt['reason']})")
        self.out.say(f"balances: Lin {format_ntd(self.balance(self.alice))}, "
                     f"Chen Wei {format_ntd(self.balance(self.bob))}")

    def aml_and_enforcement(self) -> None:
        self.out.chapter("AML flags in the state transition; police hold, freeze, real names")
        large = self.work.transfer_with_travel_rule(self.chen_co, self.bob, ntd(600_000),
                                                    "equipment")
        receipt = self.submit("BANK-C", large)
        self.out.check("LARGE_VALUE" in receipt["flags"],
                       f"NT$600,000 transfer applied with flags {receipt['flags']} "
                       "(currency transaction report)")
        # Structuring: two pieces just under the NT$500,000 report threshold within 24 h.
        first = self.submit("BANK-C", self.work.transfer_with_travel_rule(
            self.chen_co, self.bob, ntd(450_000), "invoice 1 of 2"))
        second = self.submit("BANK-C", self.work.transfer_with_travel_rule(
            self.chen_co, self.bob, ntd(460_000), "invoice 2 of 2"))
        self.out.check(first["status"] == second["status"] == "applied"
                       and "STRUCTURING" not in first["flags"]
                       and "STRUCTURING" in second["flags"],
                       "NT$450,000 then NT$460,000 within 24 h, each under the NT$500,000 "
                       f"report threshold: the second is flagged {second['flags']}")
        parties = self.regulator_parties(second["tx_id"])
        self.out.check(sorted(parties) == ["Chen Trading Co., Ltd.", "Chen Wei"],
                       "the regulator opens the real names behind the flagged transfer on its "
                       "own node: " + ", ".join(f"{name} ({national_id})"
                                                for name, national_id in sorted(parties.items())))
        hold = self.work.police_hold(self.bob)
        receipt = self.submit("BANK-B", hold)
        held_at = time.monotonic()
        hold_ms = int(self.genesis.params.get("police_hold_ms", 48 * 3_600_000))
        self.out.check(receipt["status"] == "applied",
                       f"police placed a hold on Chen Wei's outgoing funds for "
                       f"{hold_ms / 1000:g} s of block time (48 h on a production chain)")
        refused = self.submit("BANK-B", self.work.transfer(self.bob, self.alice, ntd(1_000)))
        self.out.check(refused["reason"] == "ACCOUNT_HELD",
                       f"Chen Wei tries to send: {refused['reason']} — {refused['message'][:60]}")
        incoming = self.submit("BANK-A", self.work.transfer(self.alice, self.bob, ntd(500)))
        self.out.check(incoming["status"] == "applied", "a held account still receives")
        if hold_ms <= 60_000:
            # Nobody confirms the hold: once its time has passed in block time, it is gone.
            time.sleep(max(0.0, held_at + hold_ms / 1000 + 1 - time.monotonic()))
            again = self.submit("BANK-B", self.work.transfer(self.bob, self.alice, ntd(1_500)))
            self.out.check(again["status"] == "applied",
                           "the regulator did not confirm it: the hold lapsed by itself and "
                           "Chen Wei sends again"
                           + ("" if again["status"] == "applied" else f": {again['reason']}"))
        else:
            self.out.say(f"this chain's holds last {hold_ms // 3_600_000} h: not waiting for "
                         "this one to lapse")
        receipt = self.submit("BANK-B", self.work.freeze(self.chen_co))
        self.out.check(receipt["status"] == "applied",
                       "the regulator froze Chen Trading Co.'s account (signed order)")
        frozen = self.submit("BANK-C", self.work.transfer(self.chen_co, self.alice, ntd(1_000)))
        self.out.check(frozen["status"] == "rejected" and frozen["reason"] == "ACCOUNT_FROZEN",
                       f"its transfer is rejected: {frozen['reason']} — {frozen['message'][:70]}")
        receipt = self.submit("BANK-B", self.work.unfreeze(self.chen_co))
        self.out.check(receipt["status"] == "applied",
                       "the regulator lifted the freeze (the order and its effect stay on chain)")

    def regulator_parties(self, tx_id: str, timeout_s: float = 30) -> dict[str, str]:
        """Real name -> national id of a transaction's parties, read by the regulator on its
        observer node (waiting for the observer to have verified the block)."""
        regulator = self.regulator()
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                detail = regulator.request("GET", f"/v1/regulator/transactions/{tx_id}")
                return {p["name"]: p["national_id"] for p in detail["parties"]}
            except ApiProblem as exc:
                if exc.status != 404 or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def redemption(self) -> None:
        self.out.chapter("Redemption at par: burned at once, paid out by the custodian")
        receipt = self.submit("BANK-A", self.work.redeem(self.alice, ntd(5_000)))
        self.out.check(receipt["status"] == "applied",
                       "Lin Mei-Ling redeemed NT$5,000.00: coins burned, payout pending")
        pending = self.bank("BANK-A").redemptions()
        self.out.say(f"BANK-A sees {len(pending['items'])} pending redemption(s); the custodian "
                     "pays it out of the reserve and confirms on chain")
        if self.custodian_url is None:
            sent = self.custodian_runner.run_once()
            self.out.say(f"custodian paid out and attested: {[e['kind'] for e in sent]}")
        deadline = time.monotonic() + 30
        paid = False
        while time.monotonic() < deadline and not paid:
            items = self.bank("BANK-A").redemptions(include_paid=True)["items"]
            paid = any(i["paid"] for i in items)
            time.sleep(0.3)
        self.out.check(paid, "the payout confirmation is on chain; nothing is pending")

    def reserves(self) -> None:
        self.out.chapter("Proof of reserves at a quorum-signed checkpoint")
        client = WalletClient(self.apis["BANK-A"])
        client.login(self.alice.signer.key)
        report = None
        failure = "no certified checkpoint yet"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and report is None:
            # Keep blocks coming so the next checkpoint is reached and certified.
            self.submit("BANK-C", self.work.transfer(self.chen_co, self.alice, 1))
            try:
                bundle = client.request("GET", f"/v1/accounts/{self.alice.account}"
                                               "/proof-of-reserves")
                report = verify_por(bundle["checkpoint"], bundle["inclusion"], self.genesis)
            except ApiProblem as exc:
                failure = str(exc)
            except PorFailure as exc:
                failure = str(exc)  # e.g. a checkpoint from before the first attestation
        if report is None:
            self.out.check(False, f"proof of reserves: {failure}")
            return
        figures = report.checkpoint
        self.out.check(True, f"Lin Mei-Ling verified offline her balance "
                       f"{format_ntd(report.available)} is in the liabilities tree at checkpoint "
                       f"{figures.height} ({figures.endorsements} validator signatures)")
        self.out.check(figures.reserves >= figures.liabilities_due,
                       f"reserves {format_ntd(figures.reserves)} ≥ liabilities "
                       f"{format_ntd(figures.liabilities_due)} (supply + pending payouts)")
        from ledger.por.verify import verify_checkpoint

        checkpoint = WalletClient(self.apis["BANK-D"]).request("GET", "/v1/checkpoints/latest")
        try:
            latest = verify_checkpoint(checkpoint, self.genesis)
            self.out.check(latest.reserves >= latest.liabilities_due,
                           f"regulator verified checkpoint {latest.height} independently "
                           f"(quorum signatures, custodian attestation): reserves "
                           f"{format_ntd(latest.reserves)} ≥ supply + pending "
                           f"{format_ntd(latest.liabilities_due)}")
        except PorFailure as exc:
            self.out.check(False, f"regulator could not verify the latest checkpoint: {exc}")
        statements = self.regulator().request("GET", "/v1/regulator/reserves/statements")
        self.out.say(f"regulator: {len(statements['statements'])} reserves statement(s) on its "
                     "own node, exportable as CSV")

    def start_clearing_house(self) -> str:
        """The clearing house's margin service as its own process (HS-ES on seeded history),
        or the one already running beside an attached network."""
        if self.clearing_url is not None:
            return self.clearing_url
        import subprocess
        import sys

        import httpx

        port = self.custodian_port + 1
        log = open(self.directory / "clearing.log", "ab")  # noqa: SIM115
        self.clearing_process = subprocess.Popen(
            [sys.executable, "-m", "nodes.cli.main", "clearing", "serve",
             "--network", str(self.directory), "--node", self.apis["BANK-A"],
             "--port", str(port), "--watch-interval", "1"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/v1/status", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        self.out.say(f"clearing house pid {self.clearing_process.pid:<6} {url}  margin service "
                     "(HS-ES 99%, 1,250 days, 2-day horizon)")
        return url

    def collateral(self) -> None:
        import httpx

        self.out.chapter("NTDC as futures margin: haircut, calls any hour, liquidation")
        ccp = self.start_clearing_house()

        def call(method: str, path: str, body: Any = None) -> dict[str, Any]:
            response = httpx.request(method, f"{ccp}{path}", json=body, timeout=120)
            if response.status_code >= 400:
                raise RuntimeError(f"clearing house {path}: {response.text[:300]}")
            result: dict[str, Any] = response.json()
            return result

        members = {self.member1.account: "Formosa Futures", self.member2.account: "Keelung"}
        for member, amount in ((self.member1, ntd(1_000_000)), (self.member2, ntd(300_000))):
            receipt = self.submit(member.bank, self.work.pledge(member, amount))
            self.out.check(receipt["status"] == "applied",
                           f"{members[member.account]} pledged {format_ntd(amount)} "
                           "to the clearing house")
        price = Decimal(call("GET", "/v1/status")["current_prices"]["MTX"])
        for member, pledged in ((self.member1, ntd(1_000_000)), (self.member2, ntd(300_000))):
            # Size each book (mini-TAIEX, fine-grained) so the collateral covers it now with
            # about 20% to spare, but not after a 35% move.
            call("PUT", f"/v1/members/{member.account}/positions",
                 {"positions": {"MTX": 1}, "post": False})
            one = int(call("GET", f"/v1/members/{member.account}/requirement")["requirement"])
            contracts = max(1, (pledged * 98 // 100) * 100 // (one * 120))
            result = call("PUT", f"/v1/members/{member.account}/positions",
                          {"positions": {"MTX": contracts}})
            posted = result["requirements"][0]["requirement"]
            self.out.check(not result["calls_opened"],
                           f"clearing house: {members[member.account]} holds {contracts} MTX; "
                           f"HS-ES requirement {format_ntd(int(posted))} posted on chain "
                           "(covered after the 2% haircut)")
        shocked = (price * Decimal("1.35")).to_integral_value()
        started = time.monotonic()
        shock = call("POST", "/v1/prices", {"prices": {"MTX": str(shocked)}})
        self.out.check(len(shock["calls_opened"]) == 2,
                       f"TAIEX +35% ({price} → {shocked}): margin calls on both members on "
                       f"chain {time.monotonic() - started:.2f}s after the shock, deadline by "
                       "block time")
        top_up = self.submit("BANK-D", self.work.pledge(self.member1, ntd(1_900_000)))
        met = any(e["op"] == "margin_call_met" for e in top_up["effects"])
        self.out.check(met, "Formosa Futures pledged more: its call closed in the same "
                       "transaction")
        deadline_ms = int(self.genesis.params.get("collateral_call_deadline_ms", 7_200_000))
        if deadline_ms > 60_000:
            self.out.say(f"this network's call deadline is {deadline_ms // 60_000} min: "
                         "not waiting for a default")
            return
        self.out.say(f"Keelung does not pay; waiting for its deadline ({deadline_ms // 1000}s); "
                     "the clearing house watches calls every second…")
        regulator = self.regulator()
        path = f"/v1/collateral/members/{self.member2.account}"
        before = regulator.request("GET", path)
        shortfall = int(before["shortfall"])
        liquidated = 0
        wait_until = time.monotonic() + deadline_ms / 1000 + 30
        while time.monotonic() < wait_until and not liquidated:
            self.submit("BANK-C", self.work.transfer(self.chen_co, self.alice, 1))  # new blocks
            now = regulator.request("GET", path)
            liquidated = int(before["pledged"]) - int(now["pledged"])
            if not liquidated:
                time.sleep(1)
        self.out.check(0 < liquidated == min(shortfall, int(before["pledged"])),
                       f"Keelung defaulted at its deadline; the clearing house's watcher "
                       f"liquidated {format_ntd(liquidated)} of pledged collateral = the "
                       f"shortfall {format_ntd(shortfall)} (or all collateral if less)")
        settle = call("POST", "/v1/settlement-prices",
                      {"prices": {"MTX": str(price - 20)}, "settlement_id": "VM-DEMO-1"})
        outcome = (settle.get("settlement") or {})
        self.out.check(outcome.get("status") == "applied",
                       f"daily settlement at {price - 20}: variation margin for every member "
                       f"in one atomic transaction ({len(outcome.get('legs', []))} legs)")

    def validator_failure(self) -> None:
        self.out.chapter("A validator fails (kill -9) and comes back")
        primary = next(s for s in self.network.status() if s["name"] == "validator-0")
        self.out.say(f"killing validator-0 (the primary of view {primary.get('view')}) with "
                     "SIGKILL")
        self.network.kill("validator-0")
        killed = time.monotonic()
        receipt = self.submit("BANK-C", self.work.transfer(self.chen_co, self.member1,
                                                           ntd(1_000)))
        statuses = self.statuses()
        self.out.check(receipt["status"] == "applied",
                       f"payments go on without it: final after {time.monotonic() - killed:.1f}s "
                       f"in view {statuses['validator-1'].get('view')}")
        self.network.start(["validator-0"])
        agreed = self.wait_agreement(["validator-0", "validator-1", "validator-2",
                                      "validator-3"])
        self.out.check(agreed.get("validator-0", {}).get("state_digest")
                       == agreed.get("validator-1", {}).get("state_digest"),
                       f"validator-0 restarted and caught up to height "
                       f"{agreed.get('validator-0', {}).get('height')}")

    def final_agreement(self) -> None:
        self.out.chapter("Everyone agrees")
        names = ["validator-0", "validator-1", "validator-2", "validator-3", "observer-0"]
        final = self.wait_agreement(names)
        digests = {final.get(n, {}).get("state_digest") for n in names}
        heights = {final.get(n, {}).get("height") for n in names}
        self.out.check(len(digests) == 1 and len(heights) == 1,
                       f"all 4 validators and the observer: height {heights}, one state digest "
                       f"{next(iter(digests)) and str(next(iter(digests)))[:16]}…")
        observer = final.get("observer-0", {})
        self.out.check(observer.get("mismatches") == 0 and
                       observer.get("blocks_verified") == observer.get("height"),
                       f"the observer verified {observer.get('blocks_verified')} blocks' "
                       f"certificates and re-executed them: {observer.get('mismatches')} "
                       "mismatches")

    def check_databases(self) -> None:
        """After stopping: every node's database reloads to the same state; invariants hold."""
        roots = set()
        for node in self.network.nodes():
            store = Repository.open(node.config.database_url)
            try:
                state = store.load_state(self.genesis)
            finally:
                store.close()
            problems = check_invariants(state)
            self.out.check(not problems, f"{node.name}: invariants hold at height "
                           f"{state.height}" + (f": {problems}" if problems else ""))
            roots.add(state.compute_state_root().hex())
        self.out.check(len(roots) == 1, "every stored state has the same root")


def run_demo(directory: Path, base_port: int, attach: bool = False,
             custodian_url: str | None = None, clearing_url: str | None = None) -> int:
    return Story(directory, base_port, attach=attach, custodian_url=custodian_url,
                 clearing_url=clearing_url).run()
