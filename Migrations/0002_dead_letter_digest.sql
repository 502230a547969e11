-- Dead letters keep at most the first bytes of a large payload (the message stays on its source topic);
-- the whole payload's size and SHA-256 identify it. Any worker of the stage runtime may dead-letter, so the
-- stage is a short lowercase name rather than one of the catalog's three.
ALTER TABLE dead_letters
    ADD COLUMN payload_size      bigint CHECK (payload_size >= 0),
    ADD COLUMN payload_sha256    text   CHECK (payload_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN payload_truncated boolean NOT NULL DEFAULT false;
ALTER TABLE dead_letters DROP CONSTRAINT dead_letters_stage_check;
ALTER TABLE dead_letters ADD CONSTRAINT dead_letters_stage_check CHECK (stage ~ '^[a-z][a-z0-9-]{0,31}$');
COMMENT ON COLUMN dead_letters.payload IS
    'The original message value (its first bytes when payload_truncated), for inspection and replay.';
COMMENT ON COLUMN dead_letters.payload_size IS 'Size of the whole original message value in bytes.';
COMMENT ON COLUMN dead_letters.payload_sha256 IS 'SHA-256 of the whole original message value.';
