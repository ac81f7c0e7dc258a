-- keel plan for postgresql: 6 steps
-- from sha256:cb3ca61bf63c62b9360afb2da525d49cfc0debbe018315407decf22beb1ccc6a
-- to   sha256:470324556cb8f1391e52886847b4b9cd052ada8396c229c204313dc27ba4da2b

BEGIN;
-- step 1/6: rename column "name" of "public.users" to "full_name"
ALTER TABLE public.users RENAME COLUMN name TO full_name;
-- step 2/6: drop foreign key "sessions_user_id_fkey" from "public.sessions"
ALTER TABLE public.sessions DROP CONSTRAINT sessions_user_id_fkey;
-- step 3/6: drop index "sessions_user_id_idx" on "public.sessions"
DROP INDEX public.sessions_user_id_idx;
-- step 4/6: drop column "legacy_flags" from "public.users" [DATA_LOSS, BLOCKS_WRITES, LONG_RUNNING]
CREATE SCHEMA IF NOT EXISTS keel_trash;
LOCK TABLE public.users IN SHARE MODE;
CREATE TABLE keel_trash.users_legacy_flags_cb3ca6470324 AS SELECT id, legacy_flags FROM public.users;
INSERT INTO keel.kept (object, kind, source) VALUES ('keel_trash.users_legacy_flags_cb3ca6470324', 'column', 'public.users.legacy_flags');
ALTER TABLE public.users DROP COLUMN legacy_flags;
-- step 5/6: drop table "public.sessions" [DATA_LOSS]
CREATE SCHEMA IF NOT EXISTS keel_trash;
ALTER TABLE public.sessions RENAME TO sessions_cb3ca6470324;
ALTER TABLE public.sessions_cb3ca6470324 SET SCHEMA keel_trash;
INSERT INTO keel.kept (object, kind, source) VALUES ('keel_trash.sessions_cb3ca6470324', 'table', 'public.sessions');
-- step 6/6: replace enum "public.user_role", removing "guest" [TABLE_REWRITE, BLOCKS_READS, LONG_RUNNING]
DROP INDEX public.users_admins_idx;
ALTER TYPE public.user_role RENAME TO user_role__keel_old;
CREATE TYPE public.user_role AS ENUM ('admin', 'member');
ALTER TABLE public.users ALTER COLUMN role DROP DEFAULT;
ALTER TABLE public.users ALTER COLUMN role TYPE public.user_role USING role::text::public.user_role;
ALTER TABLE public.users ALTER COLUMN role SET DEFAULT 'member';
DROP TYPE public.user_role__keel_old;
CREATE INDEX users_admins_idx ON public.users (email) WHERE role = 'admin';
COMMIT;
