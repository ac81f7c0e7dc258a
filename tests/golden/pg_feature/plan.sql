-- keel plan for postgresql: 14 steps
-- from sha256:e8821607941072d297787197f234a457948eb6d1d9ddeadfdf38a1e79856c9d2
-- to   sha256:44f1b251ee67eb605eeb841f127325cd3d1a38c790787e750a84f08716b17f91

BEGIN;
-- step 1/14: add value "blocked" to enum "public.task_status"
ALTER TYPE public.task_status ADD VALUE 'blocked' AFTER 'in_progress';
COMMIT;

BEGIN;
-- step 2/14: create table "public.task_comments"
CREATE TABLE public.task_comments (
  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
  task_id bigint NOT NULL,
  author_id bigint,
  body text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT task_comments_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE public.task_comments IS 'Discussion on a task';
COMMIT;

-- step 3/14: add column "slug" to "public.projects" [LONG_RUNNING, NON_TRANSACTIONAL]
ALTER TABLE public.projects ADD COLUMN slug text;
-- filled in batches of --batch-size rows, each committed on its own; then the rows
-- written meanwhile:
UPDATE public.projects SET slug = lower(regexp_replace(name, '[^a-zA-Z0-9]+', '-', 'g')) WHERE slug IS NULL;
ALTER TABLE public.projects ADD CONSTRAINT projects_slug_keel_nn CHECK (slug IS NOT NULL) NOT VALID;
ALTER TABLE public.projects VALIDATE CONSTRAINT projects_slug_keel_nn;
ALTER TABLE public.projects ALTER COLUMN slug SET NOT NULL;
ALTER TABLE public.projects DROP CONSTRAINT projects_slug_keel_nn;

BEGIN;
-- step 4/14: alter column "task_count" of "public.projects" (type) [TABLE_REWRITE, BLOCKS_READS, LONG_RUNNING]
ALTER TABLE public.projects ALTER COLUMN task_count TYPE bigint;
-- step 5/14: alter column "display_name" of "public.users" (type)
ALTER TABLE public.users ALTER COLUMN display_name TYPE character varying(200);
COMMIT;

-- step 6/14: add unique "users_email_key" to "public.users" [LONG_RUNNING, NON_TRANSACTIONAL]
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON public.users (email);
ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;

BEGIN;
-- step 7/14: add check "projects_name_not_blank" to "public.projects"
ALTER TABLE public.projects ADD CONSTRAINT projects_name_not_blank CHECK (length(name) > 0) NOT VALID;
-- step 8/14: create index "task_comments_task_id_idx" on "public.task_comments"
CREATE INDEX task_comments_task_id_idx ON public.task_comments (task_id, created_at);
COMMIT;

-- step 9/14: create index "tasks_project_status_idx" on "public.tasks" [LONG_RUNNING, NON_TRANSACTIONAL]
CREATE INDEX CONCURRENTLY tasks_project_status_idx ON public.tasks (project_id, status) WHERE status <> 'done';

BEGIN;
-- step 10/14: add foreign key "projects_owner_id_fkey" to "public.projects"
ALTER TABLE public.projects ADD CONSTRAINT projects_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users (id) ON DELETE RESTRICT NOT VALID;
-- step 11/14: add foreign key "task_comments_author_id_fkey" to "public.task_comments"
ALTER TABLE public.task_comments ADD CONSTRAINT task_comments_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.users (id) ON DELETE SET NULL;
-- step 12/14: add foreign key "task_comments_task_id_fkey" to "public.task_comments"
ALTER TABLE public.task_comments ADD CONSTRAINT task_comments_task_id_fkey FOREIGN KEY (task_id) REFERENCES public.tasks (id) ON DELETE CASCADE;
COMMIT;

BEGIN;
-- step 13/14: validate check "projects_name_not_blank" of "public.projects" [LONG_RUNNING]
ALTER TABLE public.projects VALIDATE CONSTRAINT projects_name_not_blank;
COMMIT;

BEGIN;
-- step 14/14: validate foreign key "projects_owner_id_fkey" of "public.projects" [LONG_RUNNING]
ALTER TABLE public.projects VALIDATE CONSTRAINT projects_owner_id_fkey;
COMMIT;
