"""Who may call what: the one table of the external API's routes x callers -> outcome.

Every route of the gateway's OpenAPI document has at least one row (a route without a row fails
``test_every_route_has_a_row``), so nobody adds a route without deciding who may call it. A row
is asserted through the gateway and, when a service serves the same path, on that service's own
port (``test_authz_matrix.py``).

Columns: ent_a / ent_b are enterprise users of enterprise A (which owns every demand and the
contract) and of another enterprise B; car_a / car_b carrier users of carrier A (granted the
confidential demand, party to the contract, employer of the people) and of another carrier B
(suggested for the same demands, no grant); pm a project manager, operator, viewer a
dashboard_viewer, admin, anon no credentials.

Outcomes:
    ok      reads: 2xx and, for a demand, the full view (not a teaser); changes: past the
            authorization (anything but 401/403/404/429 or a 5xx: 2xx, or 409/412/422 about the state)
    teaser  200 with the confidential demand's teaser only (of suggestions: the caller's own entry, nothing
            derived from the hidden fields)
    401     no credentials
    403     refused
    404     refused without revealing that the resource exists
    hide    refused, 403 or 404 (where either is acceptable)

The variant names the resource a row's path is filled with (see ``VARIANTS``): ``public``,
``confidential`` (published, carrier A granted), ``submitted`` (not yet published), ``draft``; a
``fresh-*`` variant makes a new resource for the row (a change must not disturb other rows), an
``each-*`` variant a new one before every allowed call (a delete).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.e2e.authz_world import ROLES

OUTCOMES = frozenset({"ok", "teaser", "401", "403", "404", "hide"})

# Routes a caller reaches with client credentials, not with a role: the OAuth2 token endpoint
# (RFC 6749 client credentials: an API key's id and secret). No bearer token of any role gets a
# token from it (``test_no_role_gets_a_token_without_client_credentials``); what it does with
# real credentials is tested in test_contract.py.
CREDENTIAL_EXCHANGE = frozenset({("POST", "/api/v1/oauth/token")})

# Routes only the gateway serves (composed views and its own routes); every other row is also
# asserted on the port of the service whose OpenAPI document lists the same path.
MATRIX = """
route                                                                     variant            ent_a ent_b  car_a car_b  pm  operator viewer admin anon
GET    /api/v1/vocabulary/fields                                          -                  ok    ok     ok    ok     ok  ok       ok     ok    ok
GET    /api/v1/vocabulary/infer                                           -                  ok    ok     ok    ok     ok  ok       ok     ok    401

# demand: enterprises and centers
GET    /api/v1/enterprises                                                -                  ok    ok     403   403    ok  ok       ok     ok    401
POST   /api/v1/enterprises                                                -                  403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/enterprises/{enterprise_id}                                -                  ok    403    403   403    ok  ok       ok     ok    401
GET    /api/v1/enterprises/{enterprise_id}/centers                        -                  ok    403    403   403    ok  ok       ok     ok    401
POST   /api/v1/enterprises/{enterprise_id}/centers                        -                  403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/enterprises/{enterprise_id}/home                           -                  ok    403    403   403    ok  ok       ok     ok    401
GET    /api/v1/centers                                                    -                  403   403    403   403    ok  ok       ok     ok    401

# demand: demands (the composed view and the demand service's own answer the same)
GET    /api/v1/demands                                                    -                  ok    ok     ok    ok     ok  ok       ok     ok    401
POST   /api/v1/demands                                                    -                  ok    403    403   403    ok  ok       403    ok    401
GET    /api/v1/demands/{demand_id}                                        public             ok    ok     ok    ok     ok  ok       ok     ok    401
GET    /api/v1/demands/{demand_id}                                        confidential       ok    teaser ok    teaser ok  ok       teaser ok    401
GET    /api/v1/demands/{demand_id}                                        submitted          ok    404    404   404    ok  ok       404    ok    401
GET    /api/v1/demands/{demand_id}                                        draft              ok    404    404   404    ok  ok       404    ok    401
PATCH  /api/v1/demands/{demand_id}                                        fresh-published    ok    403    403   403    ok  ok       403    ok    401
PATCH  /api/v1/demands/{demand_id}                                        fresh-submitted    ok    404    404   404    ok  ok       404    ok    401
POST   /api/v1/demands/{demand_id}/submit                                 fresh-draft        ok    404    404   404    ok  ok       404    ok    401
POST   /api/v1/demands/{demand_id}/publish                                fresh-submitted    403   404    404   404    ok  ok       404    ok    401
POST   /api/v1/demands/{demand_id}/reject                                 fresh-submitted    403   404    404   404    ok  ok       404    ok    401
POST   /api/v1/demands/{demand_id}/withdraw                               fresh-published    ok    403    403   403    ok  ok       403    ok    401
POST   /api/v1/demands/{demand_id}/start-negotiation                      fresh-matched      403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/demands/{demand_id}/access-grants                          confidential       ok    403    403   403    ok  ok       403    ok    401
POST   /api/v1/demands/{demand_id}/access-grants                          fresh-confidential ok    403    403   403    ok  ok       403    ok    401
DELETE /api/v1/demands/{demand_id}/access-grants/{carrier_id}             each-grant         ok    403    403   403    ok  ok       403    ok    401

# matching: suggestions (a carrier sees its own entry; nothing of an unpublished demand)
GET    /api/v1/demands/{demand_id}/suggestions                            public             ok    403    ok    ok     ok  ok       403    ok    401
GET    /api/v1/demands/{demand_id}/suggestions                            confidential       ok    403    ok    teaser ok  ok       403    ok    401
GET    /api/v1/demands/{demand_id}/suggestions                            submitted          ok    hide   hide  hide   ok  ok       hide   ok    401
POST   /api/v1/demands/{demand_id}/suggestions                            public             ok    403    403   403    ok  ok       403    ok    401
POST   /api/v1/demands/{demand_id}/suggestions                            submitted          ok    404    404   404    ok  ok       404    ok    401
GET    /api/v1/carriers/{carrier_id}/suggestions                          -                  403   403    ok    403    ok  ok       403    ok    401
GET    /api/v1/carriers/{carrier_id}/inbox                                -                  403   403    ok    403    ok  ok       403    ok    401
GET    /api/v1/matches/conflicts-of-interest                              -                  403   403    403   403    ok  ok       403    ok    401
POST   /api/v1/matches/conflicts-of-interest                              -                  403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/matches/conflicts-of-interest/{conflict_id}                -                  403   403    403   403    ok  ok       403    ok    401
DELETE /api/v1/matches/conflicts-of-interest/{conflict_id}                each-conflict      403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/matches                                                    -                  403   403    ok    ok     ok  ok       403    ok    401
POST   /api/v1/matches                                                    fresh-suggested    403   403    403   403    ok  ok       403    ok    401
POST   /api/v1/matches/offline                                            fresh-suggested    403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/matches/{match_id}                                         -                  ok    403    ok    403    ok  ok       403    ok    401
POST   /api/v1/match-assignments                                          -                  403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/match-assignments/{batch_id}                               -                  403   403    403   403    ok  ok       403    ok    401

# talent
GET    /api/v1/carriers                                                   -                  ok    ok     ok    ok     ok  ok       ok     ok    401
POST   /api/v1/carriers                                                   -                  403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/carriers/{carrier_id}                                      -                  ok    ok     ok    ok     ok  ok       ok     ok    401
PUT    /api/v1/carriers/{carrier_id}                                      -                  403   403    ok    403    ok  ok       403    ok    401
GET    /api/v1/people                                                     -                  ok    ok     ok    ok     ok  ok       ok     ok    401
POST   /api/v1/people                                                     -                  403   403    ok    403    ok  ok       403    ok    401
GET    /api/v1/people/{person_id}                                         -                  ok    ok     ok    ok     ok  ok       ok     ok    401
PATCH  /api/v1/people/{person_id}                                         fresh-researcher   403   403    ok    403    ok  ok       403    ok    401
GET    /api/v1/trainees                                                   -                  ok    ok     ok    ok     ok  ok       ok     ok    401
POST   /api/v1/trainees                                                   fresh-graduate     403   403    ok    403    ok  ok       403    ok    401
GET    /api/v1/trainees/{trainee_id}                                      -                  ok    ok     ok    ok     ok  ok       ok     ok    401
POST   /api/v1/trainees/{trainee_id}/start-placement                      fresh-trainee      403   403    ok    403    ok  ok       403    ok    401
POST   /api/v1/trainees/{trainee_id}/graduate                             fresh-placed       403   403    ok    403    ok  ok       403    ok    401
POST   /api/v1/trainees/{trainee_id}/withdraw                             fresh-trainee      403   403    ok    403    ok  ok       403    ok    401
GET    /api/v1/assignments                                                -                  403   403    ok    ok     ok  ok       403    ok    401
POST   /api/v1/assignments                                                fresh-researcher   403   403    ok    403    ok  ok       403    ok    401
GET    /api/v1/assignments/{assignment_id}                                -                  403   403    ok    404    ok  ok       403    ok    401
POST   /api/v1/assignments/{assignment_id}/release                        fresh-assignment   403   403    ok    403    ok  ok       403    ok    401
POST   /api/v1/talent/imports                                             -                  403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/project-managers/{person_id}/worklist                      pm                 ok    ok     ok    ok     ok  ok       ok     ok    401

# contracts (between enterprise A and carrier A; another party's contract does not exist for you)
GET    /api/v1/contracts                                                  -                  ok    ok     ok    ok     ok  ok       403    ok    401
POST   /api/v1/contracts                                                  -                  403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/contracts/totals                                           -                  403   403    403   403    ok  ok       ok     ok    401
GET    /api/v1/contracts/{contract_id}                                    -                  ok    404    ok    404    ok  ok       403    ok    401
PATCH  /api/v1/contracts/{contract_id}                                    fresh-contract     ok    404    403   404    ok  ok       403    ok    401
POST   /api/v1/contracts/{contract_id}/sign                               fresh-contract     ok    404    ok    404    ok  ok       403    ok    401
POST   /api/v1/contracts/{contract_id}/amendment                          fresh-signed       403   404    403   404    ok  ok       403    ok    401
POST   /api/v1/contracts/{contract_id}/amendment/withdraw                 fresh-amending     403   404    403   404    ok  ok       403    ok    401
GET    /api/v1/contracts/{contract_id}/versions                           -                  ok    404    ok    404    ok  ok       403    ok    401
GET    /api/v1/contracts/{contract_id}/history                            -                  ok    404    ok    404    ok  ok       403    ok    401
GET    /api/v1/contracts/{contract_id}/payments                           -                  ok    404    ok    404    ok  ok       403    ok    401
POST   /api/v1/contracts/{contract_id}/milestones/{milestone_id}/deliver  fresh-signed       403   404    ok    404    ok  ok       403    ok    401
POST   /api/v1/contracts/{contract_id}/milestones/{milestone_id}/accept   fresh-delivered    ok    404    403   404    ok  ok       403    ok    401
POST   /api/v1/contracts/{contract_id}/milestones/{milestone_id}/reject   fresh-delivered    ok    404    403   404    ok  ok       403    ok    401
POST   /api/v1/contracts/{contract_id}/milestones/{milestone_id}/payments fresh-accepted     403   hide   403   hide   ok  ok       403    ok    401
POST   /api/v1/contracts/{contract_id}/grant-conversion                   fresh-signed       403   404    403   404    ok  ok       403    ok    401
POST   /api/v1/contracts/{contract_id}/terminate                          fresh-contract     403   404    403   404    ok  ok       403    ok    401

# contracts: the funds the institute backs and its portfolio
GET    /api/v1/funds                                                      -                  403   403    403   403    ok  ok       403    ok    401
POST   /api/v1/funds                                                      -                  403   403    403   403    403 ok       403    ok    401
GET    /api/v1/funds/{fund_id}                                            -                  403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/funds/{fund_id}/investments                                -                  403   403    403   403    ok  ok       403    ok    401
POST   /api/v1/funds/{fund_id}/investments                                -                  403   403    403   403    403 ok       403    ok    401
GET    /api/v1/funds/{fund_id}/investments/{investment_id}                -                  403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/portfolio                                                  -                  403   403    403   403    ok  ok       403    ok    401
GET    /api/v1/portfolio/totals                                           -                  403   403    403   403    ok  ok       ok     ok    401

# dashboard
GET    /api/v1/dashboard/kpis                                             -                  403   403    403   403    ok  ok       ok     ok    401
GET    /api/v1/dashboard/recent-events                                    -                  403   403    403   403    ok  ok       ok     ok    401
GET    /api/v1/dashboard/breakdowns/{dimension}                           -                  403   403    403   403    ok  ok       ok     ok    401
GET    /api/v1/dashboard/funds                                            -                  403   403    403   403    ok  ok       ok     ok    401
GET    /api/v1/dashboard/events                                           -                  403   403    403   403    ok  ok       ok     ok    401
GET    /api/v1/dashboard/stream-stats                                     -                  403   403    403   403    403 ok       403    ok    401
"""  # noqa: E501


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    variant: str
    expect: dict[str, str]  # role -> outcome

    @property
    def route(self) -> tuple[str, str]:
        return self.method, self.path

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.variant}]" if self.variant != "-" else "")

    @property
    def changes(self) -> bool:
        return self.method != "GET"


def parse(table: str) -> list[Row]:
    rows: list[Row] = []
    lines = [ln for ln in table.strip().splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    header = lines[0].split()
    assert tuple(header[2:]) == ROLES, header
    for line in lines[1:]:
        method, path, variant, *cells = line.split()
        assert len(cells) == len(ROLES), f"{method} {path}: {len(cells)} cells for {len(ROLES)} callers"
        assert set(cells) <= OUTCOMES, f"{method} {path}: unknown outcome in {cells}"
        rows.append(Row(method, path, variant, dict(zip(ROLES, cells, strict=True))))
    ids = [r.id for r in rows]
    assert len(ids) == len(set(ids)), "a row is written twice"
    return rows


ROWS = parse(MATRIX)

# Path parameters filled from the world when a variant does not say otherwise.
DEFAULT_PARAMS = {
    "demand_id": "public",
    "enterprise_id": "ent_a",
    "carrier_id": "car_a",
    "person_id": "person_id",
    "trainee_id": "trainee_id",
    "assignment_id": "assignment_id",
    "contract_id": "contract_id",
    "milestone_id": "milestone_id",
    "conflict_id": "conflict_id",
    "match_id": "match_id",
    "fund_id": "fund_id",
    "investment_id": "investment_id",
    "batch_id": "batch_id",
    "dimension": "dimension",
}
