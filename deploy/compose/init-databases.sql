-- Run once by the postgres:16 image on an empty volume (/docker-entrypoint-initdb.d).
-- The role itp (POSTGRES_USER) exists already; one database per service, as in deploy/local/postgres.sh.
CREATE DATABASE itp_demand OWNER itp;
CREATE DATABASE itp_matching OWNER itp;
CREATE DATABASE itp_contracts OWNER itp;
CREATE DATABASE itp_talent OWNER itp;
CREATE DATABASE itp_dashboard OWNER itp;
CREATE DATABASE itp_gateway OWNER itp;  -- the gateway's API keys (ADR 0005)
