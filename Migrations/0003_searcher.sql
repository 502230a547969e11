-- The searcher: products that left the catalog, and who serves which search shard.

-- A removed product stays (its rows explain old answers) but none of its articles is searchable: the
-- `shoplook remove` command sets removed_at and publishes a tombstone per article on `embedded`; a shard
-- rebuilt from PostgreSQL leaves out the articles whose every product is removed.
ALTER TABLE products ADD COLUMN removed_at timestamptz;
CREATE INDEX products_removed_idx ON products (removed_at) WHERE removed_at IS NOT NULL;
COMMENT ON COLUMN products.removed_at IS 'When the product left the catalog (NULL while it is sold).';

-- Every load of a shard by an owner takes a new generation; an answer carries it, and a caller keeps only
-- answers whose generation is the one this table names, so a shard is never counted twice mid-rebalance.
CREATE SEQUENCE searcher_generation_seq;

CREATE TABLE searcher_shards (
    shard       int         PRIMARY KEY CHECK (shard >= 0),
    owner       text        NOT NULL CHECK (owner <> ''),
    member      text        NOT NULL CHECK (member <> ''),
    generation  bigint      NOT NULL CHECK (generation > 0),
    vectors     bigint      NOT NULL DEFAULT 0 CHECK (vectors >= 0),
    ready_since timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE searcher_shards IS
    'Search shards loaded and ready, with the address that answers for them (written when ready, deleted on revocation).';
COMMENT ON COLUMN searcher_shards.owner IS 'host:port of the owner''s search endpoint.';
COMMENT ON COLUMN searcher_shards.member IS 'The owning process (host, pid and a start id), for operators.';
