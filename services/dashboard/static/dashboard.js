// The live dashboard: reads the KPIs, listens to the event stream, re-reads the KPIs when
// events arrive (coalesced), and lists the latest events. No framework, no build step.
"use strict";

const API = "/api/v1/dashboard";
const TOKEN_KEY = "itp.dashboard.token";
const MAX_EVENTS = 40;

// Chinese and English label of every event type of the platform (a unit test keeps this list
// complete); the stream's events are named by type, so each needs its own listener.
const TYPE_LABELS = {
  EnterpriseRegistered: "企业注册 Enterprise registered",
  JointInnovationCenterEstablished: "联合创新中心成立 Joint innovation center established",
  DemandDrafted: "需求草稿 Demand drafted",
  DemandSubmitted: "需求提交 Demand submitted",
  DemandPublished: "需求发布 Demand published",
  DemandUpdated: "需求更新 Demand updated",
  DemandWithdrawn: "需求撤回 Demand withdrawn",
  DemandRejected: "需求驳回 Demand rejected",
  DemandExpired: "需求过期 Demand expired",
  DemandMatched: "需求已匹配 Demand matched",
  DemandNegotiationStarted: "开始洽谈 Negotiation started",
  DemandContracted: "需求已签约 Demand contracted",
  DemandClosed: "需求完成 Demand closed",
  DemandAccessGranted: "授权查看 Access granted",
  DemandAccessRevoked: "撤销授权 Access revoked",
  CarrierRegistered: "载体注册 Carrier registered",
  CarrierProfileUpdated: "载体更新 Carrier profile updated",
  PersonRegistered: "人才注册 Person registered",
  PersonProfileUpdated: "人才更新 Person profile updated",
  TraineeEnrolled: "研究生入学 Trainee enrolled",
  TraineePlacementStarted: "研究生进站 Trainee placed",
  TraineeGraduated: "研究生结业 Trainee graduated",
  TraineeWithdrawn: "研究生退出 Trainee withdrew",
  AssignmentMade: "人员指派 Assignment made",
  AssignmentReleased: "指派解除 Assignment released",
  CapacityChanged: "容量变化 Capacity changed",
  MatchesSuggested: "推荐匹配 Matches suggested",
  MatchAccepted: "接受匹配 Match accepted",
  MatchRejected: "拒绝匹配 Match rejected",
  AssignmentProposed: "分配方案 Assignment proposed",
  ContractDrafted: "合同起草 Contract drafted",
  ContractSignedByParty: "一方签署 Signed by one party",
  ContractSigned: "合同签订 Contract signed",
  ContractAmended: "合同变更 Contract amended",
  MilestoneDelivered: "里程碑交付 Milestone delivered",
  MilestoneAccepted: "里程碑验收 Milestone accepted",
  MilestoneRejected: "里程碑退回 Milestone rejected",
  PaymentRecorded: "付款记录 Payment recorded",
  GrantConvertedToEquity: "拨投转股 Grant converted to equity",
  FundEstablished: "基金设立 Fund established",
  FundInvested: "基金投资 Fund invested",
  ContractCompleted: "合同完成 Contract completed",
  ContractTerminated: "合同终止 Contract terminated",
};

const STAGES = ["submitted", "published", "matched", "contracted", "completed"];
const STATUS = {
  live: "实时 Live",
  connecting: "连接中 Connecting",
  offline: "已断开 Offline",
};

const $ = (id) => document.getElementById(id);
let token = null;
let source = null;
let kpis = null;
let dimension = "center";
let refreshTimer = null;
let refreshing = false;
let refreshAgain = false;

// -- token ------------------------------------------------------------------------------------

function takeToken() {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    localStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete("token");  // keep the token out of the history and of bookmarks
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  return localStorage.getItem(TOKEN_KEY);
}

function askForToken(message) {
  token = null;
  $("login").classList.add("shown");
  $("error").textContent = message || "";
  setStatus("offline");
}

$("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const value = $("token-input").value.trim();
  if (!value) return;
  localStorage.setItem(TOKEN_KEY, value);
  $("login").classList.remove("shown");
  start();
});

// -- formatting -------------------------------------------------------------------------------

function fmtInt(n) {
  return Number(n).toLocaleString("en-US");
}

// Money arrives as an exact decimal string: group the digits, never go through a float.
function fmtMoney(s) {
  // null: hidden from this viewer, it would reveal confidential budgets (k-anonymity)
  if (s === null || s === undefined) return "保密 withheld";
  const [whole, frac = "00"] = String(s).split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}¥${digits}.${frac.padEnd(2, "0")}`;
}

// Ratio of two decimal strings, for display only.
function pct(part, whole) {
  const p = Number(part), w = Number(whole);
  return w > 0 ? `${((100 * p) / w).toFixed(1)}%` : "–";
}

function setText(id, text) {
  const el = $(id);
  if (!el || el.textContent === text) return;
  el.textContent = text;
  el.classList.remove("bump");
  void el.offsetWidth;  // restart the animation
  el.classList.add("bump");
}

function setStatus(state) {
  const el = $("stream-status");
  el.dataset.state = state;
  el.textContent = STATUS[state];
}

// -- KPIs -------------------------------------------------------------------------------------

async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    const r = await fetch(`${API}/kpis?${periodQuery()}`, {
      headers: { Authorization: `Bearer ${token}` },
      cache: "no-store",
    });
    if (r.status === 401 || r.status === 403) {
      const problem = await r.json().catch(() => ({}));
      stopStream();
      askForToken(`${r.status}: ${problem.detail || "not allowed"}`);
      return;
    }
    if (!r.ok) throw new Error(`KPIs: HTTP ${r.status}`);
    kpis = await r.json();
    render();
  } catch (err) {
    $("updated").textContent = `⚠ ${err.message}`;
  } finally {
    refreshing = false;
    if (refreshAgain) {
      refreshAgain = false;
      scheduleRefresh();
    }
  }
}

// Many events in a burst cause one re-read, not one each.
function scheduleRefresh() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    refresh();
  }, 150);
}

function render() {
  const f = kpis.funnel;
  const top = Math.max(1, ...STAGES.map((s) => f[s]));
  for (const s of STAGES) {
    setText(`kpi-${s}`, fmtInt(f[s]));
    document.querySelector(`[data-bar="${s}"]`).style.width = `${(100 * f[s]) / top}%`;
    document.querySelector(`[data-rate="${s}"]`).textContent =
      s === "submitted" ? "\u00a0" : `${pct(f[s], f.submitted)} 转化率 of submitted`;
  }
  setText("kpi-withdrawn", fmtInt(f.withdrawn));
  setText("kpi-rejected", fmtInt(f.rejected));
  setText("kpi-expired", fmtInt(f.expired));
  setText("kpi-contracts-signed", fmtInt(kpis.contracts.signed));
  setText("kpi-contracts-terminated", fmtInt(kpis.contracts.terminated));
  const m = kpis.money;
  setText("kpi-intended", fmtMoney(m.intended));
  setText("kpi-contracted-value", fmtMoney(m.contracted));
  setText("kpi-paid", fmtMoney(m.paid));
  $("rate-contracted").textContent = `${pct(m.contracted, m.intended)} 占意向 of intended`;
  $("rate-paid").textContent = `${pct(m.paid, m.contracted)} 占合同 of contracted`;
  $("updated").textContent = `更新 Updated ${new Date().toLocaleTimeString("zh-CN", { hour12: false })}`;
  renderBreakdown();
  renderCharts();
  renderSupply();
  renderFunds();
}

function renderBreakdown() {
  const body = document.querySelector("#breakdown tbody");
  const rows = (kpis && kpis.breakdowns[dimension]) || [];
  body.replaceChildren();
  if (!rows.length) {
    const tr = body.insertRow();
    const td = tr.insertCell();
    td.colSpan = 8;
    td.className = "empty";
    td.textContent = "暂无数据 No data yet";
    return;
  }
  for (const row of rows) {
    const tr = body.insertRow();
    const name = row.label || (row.key ? row.key.slice(0, 8) : "");
    const cells = [
      name, fmtInt(row.submitted), fmtInt(row.matched), fmtInt(row.contracted),
      fmtInt(row.completed), fmtMoney(row.intended), fmtMoney(row.contracted_value), fmtMoney(row.paid),
    ];
    for (const text of cells) tr.insertCell().textContent = text;
    if (row.key) tr.cells[0].title = row.key;
  }
}

for (const button of document.querySelectorAll(".tabs button")) {
  button.addEventListener("click", () => {
    dimension = button.dataset.dim;
    for (const b of document.querySelectorAll(".tabs button")) b.setAttribute("aria-selected", String(b === button));
    renderBreakdown();
  });
}

// -- period -----------------------------------------------------------------------------------

// What the events are about, by id: a demand's title, a center's or carrier's name (as the server
// gave them to this viewer).
const NAMES = new Map();

function periodQuery() {
  const q = new URLSearchParams({ limit: "60" });
  if ($("period-from").value) q.set("from", $("period-from").value);
  if ($("period-to").value) q.set("to", $("period-to").value);
  return q.toString();
}

function setupPeriod() {
  const select = $("period-preset");
  const year = new Date().getFullYear();
  const presets = [["", "", "全部 All time"]];
  for (let y = year; y >= 2019; y -= 1) presets.push([`${y}-01-01`, `${y}-12-31`, `${y}年 ${y}`]);
  presets.push(["custom", "", "自定义 Custom"]);
  for (const [from, to, label] of presets) {
    const option = document.createElement("option");
    option.value = from === "custom" ? "custom" : `${from}|${to}`;
    option.textContent = label;
    select.append(option);
  }
  select.addEventListener("change", () => {
    if (select.value === "custom") return;
    const [from, to] = select.value.split("|");
    $("period-from").value = from;
    $("period-to").value = to;
    scheduleRefresh();
  });
  for (const id of ["period-from", "period-to"]) {
    $(id).addEventListener("change", () => {
      select.value = "custom";
      scheduleRefresh();
    });
  }
}

// -- charts (inline SVG, drawn here: no library, no CDN) ---------------------------------------

const SVGNS = "http://www.w3.org/2000/svg";
const COLORS = ["#1f6feb", "#1a7f37", "#b35900", "#8250df", "#c62828"];

function el(tag, attrs, parent, text) {
  const node = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  if (parent) parent.append(node);
  return node;
}

function canvas(id, width, height) {
  const box = $(id);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  box.replaceChildren(svg);
  return svg;
}

function empty(svg, width, height) {
  el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "muted" }, svg, "暂无数据 No data yet");
}

// Horizontal bars: the funnel and the provinces. Items: {label, value, text}.
function bars(id, items, color) {
  const width = 560, row = 26, left = 150, height = Math.max(60, items.length * row + 10);
  const svg = canvas(id, width, height);
  if (!items.length) return empty(svg, width, height);
  const top = Math.max(1, ...items.map((i) => i.value));
  items.forEach((item, n) => {
    const y = 6 + n * row;
    const w = ((width - left - 110) * item.value) / top;
    el("text", { x: left - 8, y: y + 15, "text-anchor": "end" }, svg, item.label);
    const bar = el("rect", { x: left, y, width: Math.max(w, 1), height: row - 8, rx: 3, fill: color }, svg);
    el("title", {}, bar, `${item.label}: ${item.text}`);
    el("text", { x: left + w + 6, y: y + 15, class: "muted" }, svg, item.text);
  });
}

// Monthly series: lines (counts) or grouped columns (money). series: {name, values[]}.
function monthly(id, legendId, months, series, kind, format) {
  const width = 560, height = 220, left = 70, bottom = 30, top = 10;
  const svg = canvas(id, width, height);
  const legend = $(legendId);
  legend.replaceChildren();
  series.forEach((s, n) => {
    const swatch = document.createElement("i");
    swatch.style.background = COLORS[n];
    legend.append(swatch, document.createTextNode(s.name));
  });
  if (!months.length) return empty(svg, width, height);
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const plotW = width - left - 10, plotH = height - top - bottom;
  const step = plotW / months.length;
  const y = (v) => top + plotH - (plotH * v) / max;
  for (const frac of [0, 0.5, 1]) {
    el("line", { x1: left, x2: width - 10, y1: y(max * frac), y2: y(max * frac), class: "axis" }, svg);
    el("text", { x: left - 6, y: y(max * frac) + 4, "text-anchor": "end", class: "muted" }, svg, format(max * frac));
  }
  const every = Math.ceil(months.length / 8);
  months.forEach((m, i) => {
    if (i % every === 0) {
      el("text", { x: left + step * (i + 0.5), y: height - 10, "text-anchor": "middle", class: "muted" }, svg, m);
    }
  });
  series.forEach((s, n) => {
    if (kind === "line") {
      const points = s.values.map((v, i) => `${left + step * (i + 0.5)},${y(v)}`).join(" ");
      el("polyline", { points, fill: "none", stroke: COLORS[n], "stroke-width": 2 }, svg);
      s.values.forEach((v, i) => {
        const dot = el("circle", { cx: left + step * (i + 0.5), cy: y(v), r: 2.5, fill: COLORS[n] }, svg);
        el("title", {}, dot, `${months[i]} ${s.name}: ${format(v)}`);
      });
    } else {
      const w = (step * 0.8) / series.length;
      s.values.forEach((v, i) => {
        const x = left + step * i + step * 0.1 + w * n;
        const col = el("rect", { x, y: y(v), width: Math.max(w - 1, 1), height: top + plotH - y(v), fill: COLORS[n] }, svg);
        el("title", {}, col, `${months[i]} ${s.name}: ${s.texts[i]}`);
      });
    }
  });
}

function short(n) {
  if (n >= 1e8) return `${(n / 1e8).toFixed(1)}亿`;
  if (n >= 1e4) return `${(n / 1e4).toFixed(0)}万`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function renderCharts() {
  const f = kpis.funnel;
  const names = { submitted: "提交 Submitted", published: "发布 Published", matched: "匹配 Matched",
    contracted: "签约 Contracted", completed: "完成 Completed" };
  bars("chart-funnel", STAGES.map((s) => ({ label: names[s], value: f[s],
    text: s === "submitted" ? fmtInt(f[s]) : `${fmtInt(f[s])} · ${pct(f[s], f.submitted)}` })), COLORS[0]);
  const months = kpis.breakdowns.month;
  const keys = months.map((r) => r.key);
  monthly("chart-trends", "legend-trends", keys, [
    { name: "提交 Submitted", values: months.map((r) => r.submitted) },
    { name: "匹配 Matched", values: months.map((r) => r.matched) },
    { name: "签约 Contracted", values: months.map((r) => r.contracted) },
  ], "line", (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)));
  monthly("chart-money", "legend-money", keys, [
    { name: "合同金额 Contracted", values: months.map((r) => Number(r.contracted_value)),
      texts: months.map((r) => fmtMoney(r.contracted_value)) },
    { name: "已付 Paid", values: months.map((r) => Number(r.paid)), texts: months.map((r) => fmtMoney(r.paid)) },
  ], "columns", short);
  const provinces = kpis.breakdowns.province.filter((r) => r.key);
  bars("chart-province", provinces.slice(0, 12).map((r) => ({ label: r.label, value: r.submitted,
    text: `${fmtInt(r.submitted)} 项 · ${fmtMoney(r.contracted_value)}` })), COLORS[1]);
}

const KIND_LABELS = {
  research_institute: "专业研究所 Research institutes", rd_enterprise: "研发企业 R&D enterprises",
  overseas_platform: "海外平台 Overseas platforms", incubator: "孵化器 Incubators",
  university_domestic: "国内高校 Domestic universities", university_overseas: "海外高校 Overseas universities",
};
const ROLE_LABELS = {
  project_manager: "项目经理 Project managers", jitri_researcher: "研究院研究员 JITRI researchers",
  strategic_scientist: "战略科学家 Strategic scientists", researcher: "研究人员 Researchers",
  graduate_student: "研究生 Graduate students", postdoc: "博士后 Postdocs",
};

function fill(listId, entries) {
  const list = $(listId);
  list.replaceChildren();
  for (const [label, value] of entries) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = label;
    const n = document.createElement("b");
    n.textContent = fmtInt(value);
    li.append(name, n);
    list.append(li);
  }
}

function renderSupply() {
  const s = kpis.supply;
  setText("kpi-centers", fmtInt(s.centers));
  fill("list-centers", s.centers_by_year.map((y) => [`${y.year}年 established`, y.established]));
  const kinds = Object.entries(s.carriers_by_kind);
  setText("kpi-carriers", fmtInt(kinds.reduce((a, [, n]) => a + n, 0)));
  fill("list-carriers", kinds.map(([k, n]) => [KIND_LABELS[k] || k, n]));
  const roles = Object.entries(s.people_by_role);
  setText("kpi-people", fmtInt(roles.reduce((a, [, n]) => a + n, 0)));
  fill("list-people", roles.map(([r, n]) => [ROLE_LABELS[r] || r, n]));
  setText("kpi-trainees", fmtInt(s.trainees.enrolled));
  fill("list-trainees", [["入学 Enrolled", s.trainees.enrolled], ["进站 Placed", s.trainees.placed],
    ["结业 Graduated", s.trainees.graduated], ["退出 Withdrawn", s.trainees.withdrawn]]);
}

function renderFunds() {
  const f = kpis.funds;
  setText("kpi-funds", fmtInt(f.funds));
  setText("kpi-fund-capital", fmtMoney(f.committed_capital));
  fill("list-fund-institute", [["产研院出资 Institute's commitment", null]]);
  $("list-fund-institute").querySelector("b").textContent = fmtMoney(f.institute_commitment);
  setText("kpi-fund-social", fmtMoney(f.social_capital_leveraged));
  setText("rate-fund-leverage", f.leverage_ratio === null ? "\u00a0" : `${f.leverage_ratio} × 产研院出资 the institute's`);
  setText("kpi-fund-investments", fmtInt(f.investments));
  setText("rate-fund-invested", `${fmtMoney(f.invested)} 已投 invested`);
}

// -- events -----------------------------------------------------------------------------------

function addEvent(ev, fresh) {
  const list = $("events");
  const empty = $("events-empty");
  if (empty) empty.remove();
  if (list.querySelector(`li[data-id="${CSS.escape(ev.id)}"]`)) return;  // a reconnect may repeat one
  const li = document.createElement("li");
  li.dataset.id = ev.id;
  li.dataset.type = ev.type;
  li.dataset.subject = ev.subject;
  if (fresh) li.className = "fresh";
  const time = document.createElement("span");
  time.className = "t";
  time.textContent = new Date(ev.time).toLocaleTimeString("zh-CN", { hour12: false });
  const type = document.createElement("span");
  type.className = "ty";
  type.textContent = TYPE_LABELS[ev.type] || ev.type;
  const subject = document.createElement("span");
  subject.className = "s";
  subject.textContent = ` ${ev.subject}`;
  li.append(time, type, subject);
  const about = ev.data && (ev.data.demand_id || ev.data.center_id || ev.data.carrier_id);
  const title = ev.label || (ev.data && (ev.data.title || ev.data.demand_title || ev.data.name)) ||
    NAMES.get(ev.subject) || (about && NAMES.get(about));
  if (title) {
    NAMES.set(ev.subject, title);
    if (about) NAMES.set(String(about), title);
    subject.textContent = "";  // named by what it concerns; the id stays in data-subject
    li.title = ev.subject;
    const t = document.createElement("span");
    t.className = "title";
    t.textContent = title;
    li.append(t);
  }
  list.prepend(li);
  if (fresh) setTimeout(() => li.classList.remove("fresh"), 4000);
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
}

async function loadRecent() {
  const r = await fetch(`${API}/recent-events?limit=${MAX_EVENTS}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!r.ok) return;
  const body = await r.json();
  for (const ev of body.items.reverse()) addEvent(ev, false);
}

function onStreamEvent(message) {
  let ev;
  try {
    ev = JSON.parse(message.data);
  } catch {
    return;
  }
  addEvent({ id: message.lastEventId, ...ev }, true);
  scheduleRefresh();
}

function stopStream() {
  if (source) source.close();
  source = null;
}

function startStream() {
  stopStream();
  setStatus("connecting");
  source = new EventSource(`${API}/events?access_token=${encodeURIComponent(token)}`);
  for (const type of Object.keys(TYPE_LABELS)) source.addEventListener(type, onStreamEvent);
  source.onopen = () => {
    setStatus("live");
    scheduleRefresh();  // catch up with whatever happened while (re)connecting
  };
  source.onerror = () => {
    // The browser reconnects by itself unless the server refused the stream (CLOSED).
    if (source && source.readyState === EventSource.CLOSED) {
      setStatus("offline");
      setTimeout(() => token && refresh(), 1000);  // a refused token shows up as 401 there
      setTimeout(() => token && startStream(), 5000);
    } else {
      setStatus("connecting");
    }
  };
}

setupPeriod();

function start() {
  token = takeToken();
  if (!token) {
    askForToken("");
    return;
  }
  startStream();
  refresh();
  loadRecent();
}

start();
