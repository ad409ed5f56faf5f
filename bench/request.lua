-- wrk: every request carries the Authorization header in BENCH_AUTHORIZATION (if set) and,
-- if BENCH_BODY_FILE names a file, is a POST of that file's JSON.
local auth = os.getenv("BENCH_AUTHORIZATION")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end
local path = os.getenv("BENCH_BODY_FILE")
if path and path ~= "" then
  local f = assert(io.open(path, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  f:close()
end
