"""An in-memory inverted index of profiles, scored with every component, in milliseconds.

One ``ProfileIndex`` per kind of profile (carriers, experts) lives in each matching process:
built at start from the read model, kept current by every profile event the process
handles (and by a periodic catch-up from the database, for the events another replica
handled). It computes exactly the components of ``scoring`` (a unit test holds them
together), vectorised with NumPy:

- text: postings (term -> slots and tf weights) in growing ``array`` buffers. A query sums
  the postings of its terms with one ``bincount``; the few very common terms (df above
  ``prune_df``) are left out of that first pass and added back exactly for the best
  candidates, whose cosine is recomputed from their own stored term vectors.
- structured components: one array per attribute (field and group bitmasks, place ids,
  capacity, TRL range, typical contract value, track record per field and per group).

A profile update writes a new slot and marks the old one dead (O(terms of the profile));
dead slots are compacted away when they pass half of the index. Between writes the reads
reuse the idf of every term (recomputed at the first read after a write), each slot's inverse
norm (0 for a dead slot) and each term's largest tf. The neighbour vote (``_confirm``) runs
only when the demand has a code matching chose (every code declared fine: nothing to check).

``OpenDemandIndex`` is the reverse: the open demands, so that a changed profile finds in
one vectorised pass the demands whose top suggestions it could enter or leave.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from services.matching.inference import NEIGHBOUR_SHARE, NEIGHBOURS, confirm
from services.matching.scoring import (
    COMPONENTS,
    FIELD_TERM,
    MATCHED_TERMS,
    REGION_DOMESTIC,
    REGION_OVERSEAS,
    REGION_SAME_CITY,
    REGION_SAME_PROVINCE,
    TRACK_COUNT_SCALE,
    TRACK_VALUE_SCALE,
    CarrierDoc,
    DemandDoc,
    Scored,
    components_for,
    confirmed_bound,
    contribution_key,
    demand_terms,
    place_key,
    profile_terms,
    tf_weight,
    tie_order,
    trl_range,
    trl_span,
    typical_value,
    weighted_score,
)
from shared import vocabulary

F64 = NDArray[np.float64]
MAX_RESCORED = 256  # profiles rescored exactly to find a demand's nearest (``_confirm``), at most
MAX_CONFIRMED = 100_000  # demands whose confirmed codes are remembered (for ``OpenDemands.affected_by``)
WORDS = 2  # 128 field codes and 128 field groups: the vocabulary has 66


def _group(code: str) -> str:
    # As shared.vocabulary.field_similarity sees it: an unknown code is its own group.
    return vocabulary.parent_of(code) or code


def _top(values: F64, k: int) -> NDArray[np.int64]:
    """The indexes of the ``k`` largest values (any order; ties at the k-th broken arbitrarily,
    as ``argpartition`` does). A large array is first cut at a threshold read from a strided
    sample (a few thousand values), so only the values above it are partitioned; when fewer
    than ``k`` pass it, the whole array is."""
    n = values.size
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k >= n:
        return np.arange(n, dtype=np.int64)
    step = n // 4096
    if step >= 4:
        sample = values[::step]
        # Expect about four times k values above the sample's threshold.
        rank = min(sample.size, 4 * k // step + 8)
        threshold = np.partition(sample, sample.size - rank)[sample.size - rank]
        cut = np.flatnonzero(values >= threshold)
        if cut.size >= k:
            return cut[np.argpartition(-values[cut], k - 1)[:k]].astype(np.int64)
    return np.argpartition(-values, k - 1)[:k].astype(np.int64)


class FieldCodes:
    """Bit positions for field codes and their groups (a group is a top-level field)."""

    def __init__(self) -> None:
        self.field_bit: dict[str, int] = {}
        self.group_bit: dict[str, int] = {}
        for code in vocabulary.FIELDS:
            self.field(code)

    def field(self, code: str) -> int:
        bit = self.field_bit.get(code)
        if bit is None:
            bit = self.field_bit[code] = len(self.field_bit)
            if bit >= 64 * WORDS:
                raise ValueError("too many field codes for the index's bitmasks")
            self.group(_group(code))
        return bit

    def group(self, code: str) -> int:
        bit = self.group_bit.get(code)
        if bit is None:
            bit = self.group_bit[code] = len(self.group_bit)
            if bit >= 64 * WORDS:
                raise ValueError("too many field groups for the index's bitmasks")
        return bit

    def masks(self, fields: Iterable[str]) -> tuple[list[int], list[int]]:
        fw, gw = [0] * WORDS, [0] * WORDS
        for f in fields:
            b = self.field(f)
            fw[b // 64] |= 1 << (b % 64)
            g = self.group(_group(f))
            gw[g // 64] |= 1 << (g % 64)
        return fw, gw


class Places:
    """Interned place keys (city and province names compared loosely)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def id(self, name: str | None) -> int:
        key = place_key(name)
        if key is None:
            return -1
        return self.ids.setdefault(key, len(self.ids))

    def lookup(self, name: str | None) -> int:
        key = place_key(name)
        return -2 if key is None else self.ids.get(key, -3)  # never equal to a stored id


@dataclass(frozen=True)
class Query:
    """A demand prepared for scoring against one index."""

    demand: DemandDoc
    term_ids: NDArray[np.int64]  # sorted, known terms only
    term_weights: F64  # (1 + log tf) * idf
    idf: F64
    norm: float
    field_bits: list[int]
    group_bits: list[int]
    field_trust: list[float]
    city: int
    province: int
    span: tuple[int, int] | None
    budget: float | None
    confirmed: bool = False  # field codes checked against the nearest profiles (``_confirm``)


class ProfileIndex:
    """Carriers or experts, searchable by demand with every score component."""

    # Per-slot arrays (grown by doubling in ``_alloc``).
    alive: NDArray[np.bool_]
    norm: F64
    inv_norm: F64
    start: NDArray[np.int64]
    length: NDArray[np.int32]
    cap: NDArray[np.int32]
    load: NDArray[np.int32]
    city: NDArray[np.int32]
    province: NDArray[np.int32]
    overseas: NDArray[np.bool_]
    region_base: F64
    fwords: NDArray[np.uint64]
    gwords: NDArray[np.uint64]
    trl_lo: NDArray[np.int16]
    trl_hi: NDArray[np.int16]
    log_typical: F64
    free: F64

    def __init__(
        self,
        *,
        experts: bool = False,
        prune_df: float = 0.05,
        prune_min_docs: int = 2000,
        codes: FieldCodes | None = None,
    ):
        # One kind of profile per index: experts have no budget component.
        self.experts = experts
        self.prune_df = prune_df
        self.prune_min_docs = prune_min_docs
        self.codes = codes or FieldCodes()
        self.places = Places()
        # vocabulary and postings
        self.term_id: dict[str, int] = {}
        self.terms: list[str] = []
        self.shown_term: array[int] = array("b")  # per term: 1 unless a field term (never shown as matched)
        self.post_slots: list[array[int]] = []
        self.post_tf: list[array[float]] = []
        # Track record, sparse (few profiles have one): per field bit and per group bit, the
        # slots with completed contracts there, how many and their value.
        self.track_field: dict[int, tuple[array[int], array[float], array[float]]] = {}
        self.track_group: dict[int, tuple[array[int], array[float], array[float]]] = {}
        self.df = np.zeros(1024, dtype=np.int32)
        self._idf_all: F64 | None = None  # ``_idf_read``
        self.max_tf: F64 = np.zeros(0)  # ``_max_tf``, per term, as of ``_max_tf_at`` postings
        self._max_tf_at: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        # per slot
        self.ids: list[str | None] = []
        self.slot_of: dict[str, int] = {}
        self.affiliation_of: dict[str, str | None] = {}
        self.names: dict[str, str] = {}
        self._fields: dict[str, tuple[str, ...]] = {}
        self._match_fields: dict[str, tuple[str, ...]] = {}
        # Per demand, the codes and trusts its last ranking confirmed (``_confirm``), newest last.
        self.confirmed: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {}
        self.versions: dict[str, object] = {}
        self._term_buf: array[int] = array("i")
        self._tf_buf: array[float] = array("f")
        self._cap = 0
        self._norms_at = 0
        self.n_slots = 0
        self.n_alive = 0
        self._alloc(1024)

    # -- storage ---------------------------------------------------------------------------------
    def _alloc(self, cap: int) -> None:
        def grow(name: str, shape: tuple[int, ...], dtype: type, fill: float = 0) -> None:
            old = getattr(self, name, None)
            new: NDArray[Any] = np.full((cap, *shape), fill, dtype=dtype)
            if old is not None:
                new[: old.shape[0]] = old
            setattr(self, name, new)

        grow("alive", (), np.bool_)
        grow("norm", (), np.float64)
        grow("inv_norm", (), np.float64)  # 1 / norm of a live slot, else 0: the first pass's divisor
        grow("start", (), np.int64)
        grow("length", (), np.int32)
        grow("cap", (), np.int32)
        grow("load", (), np.int32)
        grow("city", (), np.int32, -1)
        grow("province", (), np.int32, -1)
        grow("overseas", (), np.bool_)
        grow("region_base", (), np.float64, REGION_DOMESTIC)
        grow("fwords", (WORDS,), np.uint64)
        grow("gwords", (WORDS,), np.uint64)
        grow("trl_lo", (), np.int16)
        grow("trl_hi", (), np.int16)
        grow("log_typical", (), np.float64)
        grow("free", (), np.float64)
        self._cap = cap

    def _term(self, term: str) -> int:
        tid = self.term_id.get(term)
        if tid is None:
            tid = self.term_id[term] = len(self.terms)
            self.terms.append(term)
            self.shown_term.append(0 if term.startswith(FIELD_TERM) else 1)
            self.post_slots.append(array("i"))
            self.post_tf.append(array("f"))
            if tid >= self.df.shape[0]:
                self.df = np.concatenate([self.df, np.zeros(self.df.shape[0], dtype=np.int32)])
        return tid

    def __len__(self) -> int:
        return self.n_alive

    def __contains__(self, profile_id: str) -> bool:
        return profile_id in self.slot_of

    def fields_of(self, profile_id: str) -> tuple[str, ...]:
        return self._fields.get(profile_id, ())

    def version_of(self, profile_id: str) -> object:
        return self.versions.get(profile_id)

    # -- writes ----------------------------------------------------------------------------------
    def upsert(self, doc: CarrierDoc, *, version: object = None, terms: Counter[str] | None = None) -> None:
        """Index ``doc`` (replacing the profile with the same id)."""
        self.remove(doc.carrier_id)
        if self.n_slots >= self._cap:
            self._alloc(self._cap * 2)
        slot = self.n_slots
        self.n_slots += 1
        counts = terms if terms is not None else profile_terms(doc)
        ids = np.array(sorted(self._term(t) for t in counts), dtype=np.int32)
        tfw = np.array([tf_weight(counts[self.terms[i]]) for i in ids], dtype=np.float32)
        self.df[ids] += 1
        self._idf_all = None
        for tid, w in zip(ids.tolist(), tfw.tolist(), strict=True):
            self.post_slots[tid].append(slot)
            self.post_tf[tid].append(w)
        self.start[slot] = len(self._term_buf)
        self.length[slot] = len(ids)
        self._term_buf.frombytes(ids.tobytes())
        self._tf_buf.frombytes(tfw.tobytes())
        self.ids.append(doc.carrier_id)
        self.slot_of[doc.carrier_id] = slot
        self.affiliation_of[doc.carrier_id] = doc.affiliation
        self.names[doc.carrier_id] = doc.name
        self._fields[doc.carrier_id] = tuple(doc.fields)
        self._match_fields[doc.carrier_id] = tuple(doc.match_fields)
        self.versions[doc.carrier_id] = version
        self.alive[slot] = True
        self.n_alive += 1
        self._set_attributes(slot, doc)
        self.norm[slot] = self._slot_norm(slot)
        self.inv_norm[slot] = 1.0 / self.norm[slot] if self.norm[slot] > 0 else 0.0
        self._keep_norms_current()

    def _keep_norms_current(self) -> None:
        """The first pass ranks by norms computed at indexing time; recompute them all when the
        collection has drifted by a twentieth (amortised O(1) per update). Final scores never
        use them: ``_finish`` recomputes the candidates' norms with the idf of now."""
        n = self.n_alive
        if abs(n - self._norms_at) > max(8, self._norms_at // 20):
            self.refresh_norms()

    def _set_attributes(self, slot: int, doc: CarrierDoc) -> None:
        self._set_free(slot, doc.capacity, doc.active_load)
        self.overseas[slot] = doc.country.upper() != "CN"
        self.city[slot] = self.places.id(doc.city)
        self.province[slot] = self.places.id(doc.province)
        if (doc.subject == "person") != self.experts:
            raise ValueError(f"a {doc.subject} profile in an index of {'experts' if self.experts else 'carriers'}")
        self.region_base[slot] = REGION_OVERSEAS if self.overseas[slot] else REGION_DOMESTIC
        fw, gw = self.codes.masks(doc.match_fields)
        self.fwords[slot] = np.array(fw, dtype=np.uint64)
        self.gwords[slot] = np.array(gw, dtype=np.uint64)
        lo, hi = trl_range(doc)
        self.trl_lo[slot], self.trl_hi[slot] = lo, hi
        self.log_typical[slot] = math.log10(max(typical_value(doc), 1e-9))
        per_field: dict[int, list[float]] = {}
        per_group: dict[int, list[float]] = {}
        for t in doc.track:
            value = max(0.0, float(t.value))
            groups = set()
            for f in set(t.fields):
                acc = per_field.setdefault(self.codes.field(f), [0.0, 0.0])
                acc[0] += 1
                acc[1] += value
                groups.add(self.codes.group(_group(f)))
            for g in groups:
                acc = per_group.setdefault(g, [0.0, 0.0])
                acc[0] += 1
                acc[1] += value
        for store, acc_of in ((self.track_field, per_field), (self.track_group, per_group)):
            for bit, (count, value) in acc_of.items():
                slots, counts, values = store.setdefault(bit, (array("i"), array("d"), array("d")))
                slots.append(slot)
                counts.append(count)
                values.append(value)

    def _set_free(self, slot: int, capacity: int, active_load: int) -> None:
        self.cap[slot], self.load[slot] = capacity, active_load
        self.free[slot] = min(1.0, max(0.0, (capacity - active_load) / capacity)) if capacity > 0 else 0.0

    def set_capacity(self, profile_id: str, capacity: int, active_load: int) -> bool:
        """Capacity changes touch no text: O(1)."""
        slot = self.slot_of.get(profile_id)
        if slot is None:
            return False
        self._set_free(slot, capacity, active_load)
        return True

    def remove(self, profile_id: str) -> bool:
        slot = self.slot_of.pop(profile_id, None)
        if slot is None:
            return False
        self.affiliation_of.pop(profile_id, None)
        self.names.pop(profile_id, None)
        self._fields.pop(profile_id, None)
        self._match_fields.pop(profile_id, None)
        self.versions.pop(profile_id, None)
        ids = self._slot_terms(slot)
        self.df[ids] -= 1
        self._idf_all = None
        self.alive[slot] = False
        self.inv_norm[slot] = 0.0
        self.ids[slot] = None
        self.n_alive -= 1
        if self.n_slots > 1000 and self.n_alive < self.n_slots // 2:
            self.compact()
        return True

    def _slot_terms(self, slot: int) -> NDArray[np.int32]:
        s, n = int(self.start[slot]), int(self.length[slot])
        return np.frombuffer(self._term_buf, dtype=np.int32, count=n, offset=4 * s).copy()

    def _slot_tfs(self, slot: int) -> NDArray[np.float32]:
        s, n = int(self.start[slot]), int(self.length[slot])
        return np.frombuffer(self._tf_buf, dtype=np.float32, count=n, offset=4 * s).copy()

    def _idf(self, term_ids: NDArray[np.int64] | NDArray[np.int32]) -> F64:
        n = self.n_alive
        return np.log((1.0 + n) / (1.0 + self.df[term_ids].astype(np.float64))) + 1.0

    def _idf_read(self, term_ids: NDArray[np.int64] | NDArray[np.int32]) -> F64:
        """``_idf`` for the reads: of every term at once, kept until the next write."""
        if self._idf_all is None:
            self._idf_all = self._idf(np.arange(len(self.terms)))
        return self._idf_all[term_ids]

    def _slot_norm(self, slot: int) -> float:
        ids = self._slot_terms(slot)
        if ids.size == 0:
            return 0.0
        w = self._slot_tfs(slot).astype(np.float64) * self._idf(ids)
        return float(math.sqrt(float(np.dot(w, w))))

    def refresh_norms(self) -> None:
        """Recompute every document norm with the current idf (after a bulk load, or when the
        collection has drifted far since the norms were computed)."""
        n = self.n_slots
        if n == 0:
            return
        terms = np.frombuffer(self._term_buf, dtype=np.int32)
        tfs = np.frombuffer(self._tf_buf, dtype=np.float32).astype(np.float64)
        slot_of_entry = np.repeat(np.arange(n), self.length[:n])
        contrib = (tfs * self._idf(terms)) ** 2
        sq = np.bincount(slot_of_entry, weights=contrib, minlength=n)
        self.norm[:n] = np.sqrt(sq)
        self.inv_norm[:n] = 0.0
        np.divide(1.0, self.norm[:n], out=self.inv_norm[:n], where=self.alive[:n] & (self.norm[:n] > 0))
        self._norms_at = self.n_alive
        del terms

    def compact(self) -> None:
        """Drop dead slots: rebuild postings and per-slot storage from the live slots."""
        live = np.flatnonzero(self.alive[: self.n_slots])
        old = {
            name: getattr(self, name)[live].copy()
            for name in (
                "norm",
                "inv_norm",
                "cap",
                "load",
                "city",
                "province",
                "overseas",
                "region_base",
                "fwords",
                "gwords",
                "trl_lo",
                "trl_hi",
                "log_typical",
                "free",
            )
        }
        slot_terms = [(self._slot_terms(int(s)), self._slot_tfs(int(s))) for s in live]
        ids = [self.ids[int(s)] for s in live]
        new_slot_of = np.full(self.n_slots, -1, dtype=np.int64)
        new_slot_of[live] = np.arange(len(live))
        for store in (self.track_field, self.track_group):
            for bit, (slots, counts, values) in list(store.items()):
                old_slots = np.frombuffer(slots, dtype=np.int32).copy()
                keep = self.alive[old_slots]
                store[bit] = (
                    array("i", new_slot_of[old_slots[keep]].astype(np.int32).tobytes()),
                    array("d", np.frombuffer(counts, dtype=np.float64)[keep].tobytes()),
                    array("d", np.frombuffer(values, dtype=np.float64)[keep].tobytes()),
                )
        self.post_slots = [array("i") for _ in self.terms]
        self.post_tf = [array("f") for _ in self.terms]
        self._max_tf_at[:] = -1
        self._idf_all = None
        self._term_buf, self._tf_buf = array("i"), array("f")
        for name in old:
            delattr(self, name)
        for name in ("alive", "start", "length"):
            delattr(self, name)
        cap = max(1024, 2 * len(live))
        self._alloc(cap)
        for name, values in old.items():
            getattr(self, name)[: len(live)] = values
        self.ids = []
        self.slot_of = {}
        for new_slot, (pid, (tids, tfw)) in enumerate(zip(ids, slot_terms, strict=True)):
            assert pid is not None
            for tid, w in zip(tids.tolist(), tfw.tolist(), strict=True):
                self.post_slots[tid].append(new_slot)
                self.post_tf[tid].append(w)
            self.start[new_slot] = len(self._term_buf)
            self.length[new_slot] = len(tids)
            self._term_buf.frombytes(tids.tobytes())
            self._tf_buf.frombytes(tfw.tobytes())
            self.ids.append(pid)
            self.slot_of[pid] = new_slot
            self.alive[new_slot] = True
        self.n_slots = self.n_alive = len(live)

    # -- reads -----------------------------------------------------------------------------------
    def prepare(self, demand: DemandDoc, terms: Counter[str] | None = None) -> Query:
        counts = terms if terms is not None else demand.terms()
        known = sorted((self.term_id[t], n) for t, n in counts.items() if t in self.term_id)
        ids = np.array([i for i, _ in known], dtype=np.int64)
        tfw = np.array([tf_weight(n) for _, n in known], dtype=np.float64)
        idf = self._idf_read(ids) if ids.size else np.zeros(0)
        weights = tfw * idf
        # Terms no profile has still count in the demand's norm (as in the reference cosine).
        n = self.n_alive
        unknown = [
            tf_weight(n_t) * (math.log((1.0 + n) / 1.0) + 1.0) for t, n_t in counts.items() if t not in self.term_id
        ]
        norm = math.sqrt(float(np.dot(weights, weights)) + sum(u * u for u in unknown))
        return Query(
            demand=demand,
            term_ids=ids,
            term_weights=weights,
            idf=idf,
            norm=norm,
            field_bits=[self.codes.field(f) for f in demand.match_fields],
            group_bits=[self.codes.group(_group(f)) for f in demand.match_fields],
            field_trust=list(demand.field_trust),
            city=self.places.lookup(demand.city),
            province=self.places.lookup(demand.province),
            span=trl_span(demand.trl_current, demand.trl_target),
            budget=float(demand.budget) if demand.budget is not None else None,
        )

    def _confirm(self, q: Query, text: F64, pruned: list[int] | None = None) -> Query:
        """``q`` with its field codes checked against the profiles nearest its text
        (``inference.confirm``): the best by the first pass's text, and (when common terms were
        left out of it) those the terms could lift among them, rescored exactly."""
        if q.confirmed:
            return q
        codes, trust = q.demand.match_fields, q.demand.field_trust
        if all(t >= 1.0 for t in trust):  # every code declared fine: the vote would change nothing
            self._remember(q.demand.demand_id, codes, trust)
            return replace(q, confirmed=True)
        n = self.n_slots
        live = text  # zero for dead slots (``_first_text``)
        slots = self._best(live, 2 * NEIGHBOURS)
        exact = self._exact_cosines(q, slots) if slots.size else np.zeros(0)
        if pruned and q.norm > 0 and slots.size:
            # The first pass left common terms out: add every profile they could lift above the
            # neighbours' threshold (at most ``MAX_RESCORED``, those they could lift most).
            qw = q.term_weights * q.idf
            extra = sum(float(qw[i]) * self._max_tf(int(q.term_ids[i])) for i in pruned)
            bound = live + (extra / q.norm) * self.inv_norm[:n]
            ranked = np.sort(exact)[::-1]
            threshold = max(NEIGHBOUR_SHARE * ranked[0], ranked[min(NEIGHBOURS, ranked.size) - 1])
            bound[slots] = 0.0
            more = np.flatnonzero(1.05 * bound >= threshold)
            if more.size > MAX_RESCORED:
                more = more[np.argpartition(-bound[more], MAX_RESCORED - 1)[:MAX_RESCORED]]
            if more.size:
                slots = np.concatenate([slots, more.astype(np.int64)])
                exact = np.concatenate([exact, self._exact_cosines(q, more.astype(np.int64))])
        if slots.size:
            if slots.size > NEIGHBOURS:  # only the best (and any tied with them) can be neighbours
                kth = np.partition(exact, slots.size - NEIGHBOURS)[slots.size - NEIGHBOURS]
                keep = exact >= max(kth, NEIGHBOUR_SHARE * float(exact.max())) - 1e-4
                slots, exact = slots[keep], exact[keep]
            near = []
            for slot, score in zip(slots.tolist(), exact.tolist(), strict=True):
                pid = self.ids[slot]
                assert pid is not None
                near.append((pid, score, self._match_fields.get(pid, ())))
            codes, trust = confirm(codes, trust, near)
        self._remember(q.demand.demand_id, codes, trust)
        return replace(
            q,
            field_bits=[self.codes.field(f) for f in codes],
            group_bits=[self.codes.group(_group(f)) for f in codes],
            field_trust=list(trust),
            confirmed=True,
        )

    def _remember(self, demand_id: str, codes: Iterable[str], trust: Iterable[float]) -> None:
        self.confirmed.pop(demand_id, None)
        self.confirmed[demand_id] = (tuple(codes), tuple(trust))
        if len(self.confirmed) > MAX_CONFIRMED:
            del self.confirmed[next(iter(self.confirmed))]

    @staticmethod
    def _best(values: F64, k: int) -> NDArray[np.int64]:
        """The slots of the ``k`` largest positive values (any order)."""
        top = _top(values, k)
        return top[values[top] > 0]

    def _first_pass(self, q: Query) -> tuple[F64, list[int]]:
        """Dot products over the query's selective terms, for every slot; and the indexes
        (into the query) of the common terms left out, to be added for the candidates."""
        n = self.n_slots
        if q.term_ids.size == 0 or q.norm == 0:
            return np.zeros(n), []
        prune = self.n_alive >= self.prune_min_docs
        cutoff = self.prune_df * self.n_alive
        slots, weights, pruned = [], [], []
        df = self.df[q.term_ids].tolist()
        for i, (tid, w) in enumerate(zip(q.term_ids.tolist(), (q.term_weights * q.idf).tolist(), strict=True)):
            if prune and df[i] > cutoff:
                pruned.append(i)
                continue
            ps = self.post_slots[tid]
            if not ps:
                continue
            slots.append(np.frombuffer(ps, dtype=np.int32))
            weights.append(np.frombuffer(self.post_tf[tid], dtype=np.float32) * np.float32(w))
        if not slots:
            return np.zeros(n), pruned
        dots: F64 = np.bincount(np.concatenate(slots), weights=np.concatenate(weights), minlength=n).astype(np.float64)
        del slots, weights
        return dots, pruned

    def _first_text(self, q: Query, dots: F64) -> F64:
        """The first pass's text scores: cosines with the norms of indexing time, 0 for dead slots."""
        if q.norm <= 0:
            return np.zeros_like(dots)
        text = dots * self.inv_norm[: self.n_slots]
        text *= 1.0 / q.norm
        return np.minimum(text, 1.0, out=text)

    def _cosine(self, q: Query, dots: F64, norm: F64) -> F64:
        if q.norm <= 0:
            return np.zeros_like(dots)
        with np.errstate(divide="ignore", invalid="ignore"):
            text = np.where(norm > 0, dots / (q.norm * norm), 0.0)
        return np.minimum(text, 1.0)

    def _exact_dots(self, q: Query, slots: NDArray[np.int64]) -> tuple[F64, F64]:
        """Exact dot products of the query with the given slots and their norms, both from their
        own term vectors with the idf of now (so a score never depends on when a profile was
        indexed), in one vectorised pass over their stored terms."""
        lengths = self.length[slots].astype(np.int64)
        buf_t = np.frombuffer(self._term_buf, dtype=np.int32)
        buf_f = np.frombuffer(self._tf_buf, dtype=np.float32)
        starts = self.start[slots].astype(np.int64)
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        entries = np.arange(int(lengths.sum()), dtype=np.int64) + offsets
        terms, tfs = buf_t[entries], buf_f[entries].astype(np.float64)
        owner = np.repeat(np.arange(slots.size), lengths)
        norms = np.sqrt(np.bincount(owner, weights=(tfs * self._idf_read(terms)) ** 2, minlength=slots.size))
        dots = np.zeros(slots.size)
        if q.term_ids.size:
            pos = np.minimum(np.searchsorted(q.term_ids, terms), q.term_ids.size - 1)
            hit = q.term_ids[pos] == terms
            qw = q.term_weights * q.idf
            dots = np.bincount(owner[hit], weights=qw[pos[hit]] * tfs[hit], minlength=slots.size).astype(np.float64)
        return dots, norms

    def _max_tf(self, tid: int) -> float:
        """The largest tf weight of a term in any profile (kept per term as postings grow: dead
        slots only make it an upper bound)."""
        if tid >= self.max_tf.size or self._max_tf_at[tid] != len(self.post_tf[tid]):
            if tid >= self.max_tf.size:
                grown = max(2 * self.max_tf.size, tid + 1)
                self.max_tf = np.concatenate([self.max_tf, np.zeros(grown - self.max_tf.size)])
                self._max_tf_at = np.concatenate([self._max_tf_at, np.full(grown - self._max_tf_at.size, -1)])
            tfs = self.post_tf[tid]
            self.max_tf[tid] = float(np.frombuffer(tfs, dtype=np.float32).max()) if tfs else 0.0
            self._max_tf_at[tid] = len(tfs)
        return float(self.max_tf[tid])

    def _exact_cosines(self, q: Query, slots: NDArray[np.int64]) -> F64:
        """The exact text scores of the given slots (without the matched terms)."""
        return self._cosine(q, *self._exact_dots(q, slots))

    def _matched_terms(self, q: Query, slot: int) -> list[str]:
        """The terms a profile shares with the query, by their contribution (as
        ``scoring.text_relevance`` orders them): only the few that can be among the first
        ``MATCHED_TERMS`` are formatted and sorted."""
        s, n = int(self.start[slot]), int(self.length[slot])
        ids = np.frombuffer(self._term_buf, dtype=np.int32, count=n, offset=4 * s)
        common, qi, di = np.intersect1d(q.term_ids, ids, assume_unique=True, return_indices=True)
        if common.size == 0:
            return []
        tfs = np.frombuffer(self._tf_buf, dtype=np.float32, count=n, offset=4 * s)
        contrib = (q.term_weights * q.idf)[qi] * tfs[di]
        shown = np.frombuffer(self.shown_term, dtype=np.int8)[common] != 0
        common, contrib = common[shown], contrib[shown]
        if common.size > MATCHED_TERMS:
            # Six significant digits (``contribution_key``) can tie values a little apart: keep
            # every term within a relative 1e-5 of the last one that must be shown.
            kth = float(np.partition(contrib, common.size - MATCHED_TERMS)[common.size - MATCHED_TERMS])
            keep = contrib >= kth * (1 - 1e-5)
            common, contrib = common[keep], contrib[keep]
        ranked = sorted(
            (-contribution_key(c), self.terms[t]) for c, t in zip(contrib.tolist(), common.tolist(), strict=True)
        )
        return [t for _, t in ranked[:MATCHED_TERMS]]

    def _track_sums(self, q: Query, n: int) -> tuple[F64, F64]:
        """Per slot, the completed contracts in the query's fields and in their groups (each
        counted once per code, as ``scoring.track_record`` does), and their value: one pass
        over the few slots that have any."""
        slots, counts, values = [], [], []
        for store, bits in ((self.track_field, q.field_bits), (self.track_group, q.group_bits)):
            for b in bits:
                entry = store.get(b)
                if entry is None or not entry[0]:
                    continue
                slots.append(np.frombuffer(entry[0], dtype=np.int32))
                counts.append(np.frombuffer(entry[1], dtype=np.float64))
                values.append(np.frombuffer(entry[2], dtype=np.float64))
        if not slots:
            return np.zeros(n), np.zeros(n)
        at = np.concatenate(slots)
        in_fields: F64 = np.bincount(at, weights=np.concatenate(counts), minlength=n)[:n].astype(np.float64)
        worth: F64 = np.bincount(at, weights=np.concatenate(values), minlength=n)[:n].astype(np.float64)
        return in_fields, worth

    def _structured(self, q: Query, sl: slice | NDArray[np.int64]) -> dict[str, F64]:
        """Every component but text, for the slots ``sl`` (in ``COMPONENTS`` order)."""
        comps: dict[str, F64] = {}
        n_fields = len(q.field_bits)
        fw, gw = self.fwords[sl], self.gwords[sl]
        size = fw.shape[0]
        if n_fields:
            hits = np.zeros(size)
            for fb, gb, trust in zip(q.field_bits, q.group_bits, q.field_trust, strict=True):
                # Having the field implies touching its group: 0.5 + 0.5 for the same field (the
                # trusts are multiples of 1/1024: these sums are exact in any order).
                np.add(hits, trust, out=hits, where=(fw[:, fb // 64] & np.uint64(1 << (fb % 64))) != 0)
                np.add(hits, trust, out=hits, where=(gw[:, gb // 64] & np.uint64(1 << (gb % 64))) != 0)
            # In the order scoring.field_overlap computes it, so both round alike.
            comps["fields"] = (0.5 * hits) / sum(q.field_trust) * max(q.field_trust)
            n = self.n_slots
            counts, values = self._track_sums(q, n)
            n_eff = (0.5 / n_fields) * counts[sl]
            v_eff = (0.5 / n_fields) * values[sl]
            comps["track_record"] = 1.0 - np.exp(-(n_eff / TRACK_COUNT_SCALE + v_eff / TRACK_VALUE_SCALE))
        else:
            comps["fields"] = np.zeros(size)
            comps["track_record"] = np.zeros(size)
        comps["capacity"] = self.free[sl]
        region = self.region_base[sl].copy()
        region[(self.province[sl] == q.province) & ~self.overseas[sl]] = REGION_SAME_PROVINCE
        region[self.city[sl] == q.city] = REGION_SAME_CITY
        comps["region"] = region
        if q.span is not None:
            lo, hi = q.span
            overlap = np.minimum(self.trl_hi[sl], hi) - np.maximum(self.trl_lo[sl], lo) + 1
            comps["trl"] = np.maximum(overlap, 0) * (1.0 / (hi - lo + 1))
        if q.budget is not None and not self.experts:
            if q.budget <= 0:
                comps["budget"] = np.zeros(size)
            else:
                comps["budget"] = np.clip((1.0 + math.log10(q.budget)) - self.log_typical[sl], 0.0, 1.0)
        return comps

    @staticmethod
    def _combine(comps: Mapping[str, F64], weights: Mapping[str, float]) -> F64:
        """The weighted mean over the components present, summed in ``COMPONENTS`` order
        (the order ``scoring.weighted_score`` sums in, so both round alike)."""
        num: F64 | None = None
        den = 0.0
        for k in COMPONENTS:
            v = comps.get(k)
            if v is None:
                continue
            w = weights.get(k, 0.0)
            num = w * v if num is None else num + w * v
            den += w
        assert num is not None
        return num / den if den > 0 else np.zeros_like(num)

    def search(
        self,
        demand: DemandDoc | Query,
        *,
        weights: Mapping[str, float],
        top_k: int = 10,
        exclude: Iterable[str] = (),
        exclude_affiliated: Iterable[str] = (),
        candidates: int | None = None,
        floor: float | None = None,
    ) -> list[Scored]:
        """The ``top_k`` profiles for a demand (``candidates`` wide before exact rescoring)."""
        q = demand if isinstance(demand, Query) else self.prepare(demand)
        n = self.n_slots
        if n == 0 or top_k <= 0:
            return []
        dots, pruned = self._first_pass(q)
        text = self._first_text(q, dots)
        q = self._confirm(q, text, pruned)
        comps = self._structured(q, slice(0, n))
        comps["text"] = text
        eligible = self.alive[:n] & ((dots > 0) | (comps["fields"] > 0) | bool(pruned))
        for pid in exclude:
            slot = self.slot_of.get(pid)
            if slot is not None:
                eligible[slot] = False
        affiliated = set(exclude_affiliated)
        if affiliated:
            for pid, aff in self.affiliation_of.items():
                if aff in affiliated:
                    eligible[self.slot_of[pid]] = False
        total = self._combine(comps, weights)
        if floor is not None:
            # The first pass can only under-estimate text; leave room for the common terms.
            slack = 0.2 * weights.get("text", 0.0) / (sum(weights.values()) or 1.0) if pruned else 0.0
            eligible &= total >= floor - slack
        total = np.where(eligible, total, -np.inf)
        n_eligible = int(eligible.sum())
        width = min(n_eligible, candidates or max(3 * top_k, top_k + 20))
        if width <= 0:
            return []
        top = _top(total, width) if width < n else np.flatnonzero(eligible)
        top = top[np.isfinite(total[top])].astype(np.int64)
        return self._finish(q, top, weights, top_k, floor)

    def _finish(
        self,
        q: Query,
        slots: NDArray[np.int64],
        weights: Mapping[str, float],
        top_k: int,
        floor: float | None,
    ) -> list[Scored]:
        dots, norms = self._exact_dots(q, slots)
        comps = self._structured(q, slots)
        comps["text"] = self._cosine(q, dots, norms)
        columns = [(k, comps[k].tolist()) for k in COMPONENTS if k in comps]
        rows: list[tuple[float, str, int, dict[str, float]]] = []
        for i, slot in enumerate(slots.tolist()):
            # Rounded and summed exactly as scoring.rank does, so both agree to the last digit.
            c = {k: round(values[i], 4) if k != "region" else values[i] for k, values in columns}
            if c["text"] == 0.0 and c["fields"] == 0.0:
                continue
            score = round(weighted_score(c, weights), 4)
            if floor is not None and score < floor:
                continue
            pid = self.ids[slot]
            assert pid is not None
            rows.append((-score, pid, slot, c))
        rows.sort(key=lambda r: tie_order(-r[0], r[3], self.names.get(r[1], ""), r[1]))
        return [
            Scored(pid, -neg_score, c, self._matched_terms(q, slot), c["capacity"] == 0.0, base_score=-neg_score)
            for neg_score, pid, slot, c in rows[:top_k]
        ]

    def score_ids(self, demand: DemandDoc | Query, ids: Iterable[str], *, weights: Mapping[str, float]) -> list[Scored]:
        """Exact scores of the given profiles for a demand (ids not indexed are skipped)."""
        q = demand if isinstance(demand, Query) else self.prepare(demand)
        slots = np.array([self.slot_of[i] for i in ids if i in self.slot_of], dtype=np.int64)
        if slots.size == 0:
            return []
        if not q.confirmed:
            dots, pruned = self._first_pass(q)
            q = self._confirm(q, self._first_text(q, dots), pruned)
        return self._finish(q, slots, weights, len(slots), None)

    def memory_bytes(self) -> int:
        """What the index holds in arrays and buffers (Python object overhead estimated)."""
        total = 0
        for v in vars(self).values():
            if isinstance(v, np.ndarray):
                total += v.nbytes
        total += self._term_buf.buffer_info()[1] * 4 + self._tf_buf.buffer_info()[1] * 4
        total += sum(a.buffer_info()[1] * 4 + 64 for a in self.post_slots)
        total += sum(a.buffer_info()[1] * 4 + 64 for a in self.post_tf)
        total += sum(len(t) * 2 + 120 for t in self.terms)  # the string and its dict entry
        total += len(self.slot_of) * 200
        return total


@dataclass
class Top:
    """A demand's latest suggestions of one kind: who is in, and the score to beat."""

    members: frozenset[str]
    at_capacity: frozenset[str]
    threshold: float  # the k-th score; -1 when the list is not full (any relevant profile enters)
    shown: tuple[tuple[str, bool], ...] = ()  # in order: who, and whether shown at capacity


class OpenDemands:
    """The open demands, searchable the other way round: which demands could a changed
    profile enter or leave the top suggestions of?"""

    def __init__(self) -> None:
        self.docs: dict[str, DemandDoc] = {}
        self.slot_of: dict[str, int] = {}
        self.ids: list[str | None] = []
        self.terms: list[Counter[str] | None] = []
        self.post_slots: dict[str, array[int]] = {}
        self.post_tf: dict[str, array[float]] = {}
        self.tops: dict[str, dict[str, Top]] = {"carriers": {}, "experts": {}}
        # Per index: (profile count the norms were computed at, each demand's norm or NaN).
        self._norms: dict[int, tuple[int, F64]] = {}
        self._arrays: dict[str, NDArray[Any]] | None = None

    def __len__(self) -> int:
        return len(self.docs)

    def __contains__(self, demand_id: str) -> bool:
        return demand_id in self.docs

    def get(self, demand_id: str) -> DemandDoc | None:
        return self.docs.get(demand_id)

    def upsert(self, demand: DemandDoc, terms: Counter[str] | None = None) -> None:
        self.remove(demand.demand_id)
        counts = terms if terms is not None else demand_terms(demand)
        slot = len(self.ids)
        self.ids.append(demand.demand_id)
        self.terms.append(counts)
        self.slot_of[demand.demand_id] = slot
        self.docs[demand.demand_id] = demand
        for t, n in counts.items():
            self.post_slots.setdefault(t, array("i")).append(slot)
            self.post_tf.setdefault(t, array("f")).append(tf_weight(n))
        self._arrays = None
        if len(self.ids) > 1000 and len(self.docs) < len(self.ids) // 2:
            self._compact()

    def remove(self, demand_id: str) -> None:
        slot = self.slot_of.pop(demand_id, None)
        if slot is None:
            return
        self.docs.pop(demand_id, None)
        self.ids[slot] = None
        self.terms[slot] = None
        self._arrays = None
        for kind in self.tops.values():
            kind.pop(demand_id, None)

    def _compact(self) -> None:
        live = [(d, self.terms[s]) for d, s in self.slot_of.items()]
        docs, tops = self.docs, self.tops
        self.__init__()  # type: ignore[misc]
        self.tops = tops
        for demand_id, counts in live:
            self.upsert(docs[demand_id], counts)

    def set_top(self, kind: str, demand_id: str, scored: list[Scored], top_k: int) -> None:
        if demand_id not in self.docs:
            return
        self.tops[kind][demand_id] = Top(
            members=frozenset(s.carrier_id for s in scored),
            at_capacity=frozenset(s.carrier_id for s in scored if s.at_capacity),
            threshold=scored[-1].score if len(scored) >= top_k and scored else -1.0,
            shown=tuple((s.carrier_id, s.at_capacity) for s in scored),
        )

    def terms_of(self, demand_id: str) -> Counter[str] | None:
        slot = self.slot_of.get(demand_id)
        return self.terms[slot] if slot is not None else None

    def _demand_norms(self, index: ProfileIndex) -> F64:
        """Every demand's TF-IDF norm under ``index``'s idf (recomputed when it has drifted)."""
        n = index.n_alive
        cached = self._norms.get(id(index))
        if cached is None or abs(cached[0] - n) > max(10, n // 100):
            cached = (n, np.full(len(self.ids), np.nan))
        at, norms = cached
        if norms.size < len(self.ids):
            norms = np.concatenate([norms, np.full(len(self.ids) - norms.size, np.nan)])
        for slot in np.flatnonzero(np.isnan(norms)).tolist():
            counts = self.terms[slot]
            if counts is None:
                norms[slot] = 0.0
                continue
            total = 0.0
            for t, c in counts.items():
                tid = index.term_id.get(t)
                df = int(index.df[tid]) if tid is not None else 0
                w = tf_weight(c) * (math.log((1.0 + n) / (1.0 + df)) + 1.0)
                total += w * w
            norms[slot] = math.sqrt(total)
        self._norms[id(index)] = (at, norms)
        return norms

    def _demand_arrays(self, codes: FieldCodes, places: Places) -> dict[str, NDArray[Any]]:
        if self._arrays is None:
            n = len(self.ids)
            groups = np.zeros((n, WORDS), dtype=np.uint64)
            city = np.full(n, -2, dtype=np.int64)
            province = np.full(n, -2, dtype=np.int64)
            has_trl = np.zeros(n, dtype=np.bool_)
            has_budget = np.zeros(n, dtype=np.bool_)
            alive = np.zeros(n, dtype=np.bool_)
            for demand_id, slot in self.slot_of.items():
                d = self.docs[demand_id]
                _, gw = codes.masks(d.match_fields)
                groups[slot] = np.array(gw, dtype=np.uint64)
                city[slot], province[slot] = places.lookup(d.city), places.lookup(d.province)
                has_trl[slot] = d.trl_current is not None or d.trl_target is not None
                has_budget[slot] = d.budget is not None
                alive[slot] = True
            self._arrays = {
                "groups": groups,
                "city": city,
                "province": province,
                "has_trl": has_trl,
                "has_budget": has_budget,
                "alive": alive,
            }
        return self._arrays

    def affected_by(
        self, kind: str, doc: CarrierDoc, index: ProfileIndex, weights: Mapping[str, float], *, margin: float = 0.005
    ) -> list[str]:
        """Open demands whose top suggestions of ``kind`` the (already re-indexed) profile
        ``doc`` could change: it is among them, or it now scores above the last of them.

        One vectorised pass bounds the profile's score for every open demand (text exact up
        to idf drift, capacity and place exact, the rest at most 1); only the demands whose
        bound reaches their threshold are scored exactly."""
        tops = self.tops[kind]
        profile_id = doc.carrier_id
        affected = {d for d, top in tops.items() if profile_id in top.members}
        slot = index.slot_of.get(profile_id)
        if slot is None or not self.docs:
            return sorted(affected)
        # Text, the other way round: the profile's terms against the demands' postings.
        ids = index._slot_terms(slot)
        tfs = index._slot_tfs(slot).astype(np.float64)
        idf = index._idf(ids)
        n = len(self.ids)
        parts_s, parts_w = [], []
        for tid, w in zip(ids.tolist(), (tfs * idf * idf).tolist(), strict=True):
            ps = self.post_slots.get(index.terms[tid])
            if ps:
                parts_s.append(np.frombuffer(ps, dtype=np.int32))
                parts_w.append(np.frombuffer(self.post_tf[index.terms[tid]], dtype=np.float32) * w)
        dots = np.bincount(np.concatenate(parts_s), np.concatenate(parts_w), minlength=n) if parts_s else np.zeros(n)
        del parts_s, parts_w
        pnorm = float(index.norm[slot])
        dnorms = self._demand_norms(index)
        with np.errstate(divide="ignore", invalid="ignore"):
            text = np.where((dnorms > 0) & (pnorm > 0), np.minimum(dots / (dnorms * pnorm), 1.0), 0.0)
        arr = self._demand_arrays(index.codes, index.places)
        related = (arr["groups"] & index.gwords[slot]).any(axis=1)
        relevant = arr["alive"] & ((dots > 0) | related)
        overseas = bool(index.overseas[slot])
        region = np.full(n, REGION_OVERSEAS if overseas else REGION_DOMESTIC)
        if not overseas:
            region[arr["province"] == int(index.province[slot])] = REGION_SAME_PROVINCE
        region[arr["city"] == int(index.city[slot])] = REGION_SAME_CITY
        w = {k: weights.get(k, 0.0) for k in COMPONENTS}
        has_budget = arr["has_budget"] & (not index.experts)
        num = (
            w["text"] * text
            + w["fields"] * related
            + w["track_record"]
            + w["capacity"] * float(index.free[slot])
            + w["region"] * region
            + w["trl"] * arr["has_trl"]
            + w["budget"] * has_budget
        )
        den = w["text"] + w["fields"] + w["track_record"] + w["capacity"] + w["region"]
        den = den + w["trl"] * arr["has_trl"] + w["budget"] * has_budget
        bound = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
        threshold = np.full(n, -1.0)
        for demand_id, top in tops.items():
            s = self.slot_of.get(demand_id)
            if s is not None:
                threshold[s] = top.threshold
        candidates = np.flatnonzero(relevant & ((threshold < 0) | (bound + margin >= threshold)))
        for dslot in candidates.tolist():
            did = self.ids[dslot]
            if did is None or did in affected:
                continue
            shown = tops.get(did)
            if shown is None or shown.threshold < 0:
                affected.add(did)  # the list is not full: any relevant profile enters
                continue
            # Scored with the codes its last ranking confirmed (they move with the profiles, as
            # idf does), else with a bound of what confirming can give.
            confirmed = index.confirmed.get(did)
            comps = (
                components_for(self.docs[did], doc, float(text[dslot]), fields=confirmed)
                if confirmed is not None
                else confirmed_bound(self.docs[did], doc, float(text[dslot]))
            )
            if weighted_score(comps, weights) + margin >= shown.threshold:
                affected.add(did)
        return sorted(affected)
