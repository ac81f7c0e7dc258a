-- keel plan for sqlite: 3 steps
-- from sha256:eb789e1b2eee013c652a7e658bf65b0b249d810c2bdbe1ac9f5793c10bbb3114
-- to   sha256:7dda56c3d8353522eed18f5fff253c2fee733631666f6e39a4869d45bb464a9a

BEGIN;
-- step 1/3: rename column "title" of "main.notebooks" to "name"
ALTER TABLE "notebooks" RENAME COLUMN "title" TO "name";
-- step 2/3: add column "colour" to "main.notebooks"
ALTER TABLE "notebooks" ADD COLUMN "colour" text;
COMMIT;

-- step 3/3: rebuild table "main.notes", copying its rows [TABLE_REWRITE, BLOCKS_WRITES, LONG_RUNNING, NON_TRANSACTIONAL]
ALTER TABLE "notes" ADD COLUMN "priority" integer;
-- filled in batches of --batch-size rows, each committed on its own; then the rows
-- written meanwhile:
UPDATE "notes" SET "priority" = 3 WHERE "priority" IS NULL;
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
-- keel: save the triggers of table notes
CREATE TABLE "keel_new_notes" (
  "id" integer NOT NULL,
  "notebook_id" integer NOT NULL,
  "body" text NOT NULL,
  "priority" integer NOT NULL,
  "created_at" text DEFAULT CURRENT_TIMESTAMP NOT NULL,
  CONSTRAINT "notes_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "notes_priority_range" CHECK (priority BETWEEN 1 AND 5),
  CONSTRAINT "notes_notebook_id_fkey" FOREIGN KEY ("notebook_id") REFERENCES "notebooks" ("id") ON DELETE CASCADE
);
INSERT INTO "keel_new_notes" ("id", "notebook_id", "body", "priority", "created_at") SELECT "id", "notebook_id", "body", coalesce("priority", 3), "created_at" FROM "notes";
DROP TABLE "notes";
ALTER TABLE "keel_new_notes" RENAME TO "notes";
CREATE INDEX "notes_notebook_id_idx" ON "notes" ("notebook_id");
-- keel: restore the triggers of table notes
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
