-- 0005: columns the origin's rollout runbooks read, so they run as written:
-- booking_assignment_attempts.created_at and .result ('success' / 'failure'), and
-- booking_assignment_state_history.metadata (jsonb). The attempt columns are generated from the
-- existing ones, so they can never disagree with started_at / outcome whoever writes the row.

-- created_at: when the attempt started (an attempt row is written when it finishes).
-- result: 'success' when the attempt placed the booking, 'failure' otherwise.
ALTER TABLE booking_assignment_attempts
    ADD COLUMN created_at timestamptz GENERATED ALWAYS AS (started_at) STORED,
    ADD COLUMN result     text        GENERATED ALWAYS AS (
        CASE WHEN outcome IN ('assigned', 'confirmed') THEN 'success' ELSE 'failure' END) STORED;

CREATE INDEX ix_attempts_created_at ON booking_assignment_attempts (created_at);

-- metadata: the context of the transition's assignment.state_machine event (run_trigger — inline,
-- worker, manual … —, reason, pipeline, shadow) plus the actor. The writer fills it; rows written
-- before this migration take it from their event, or from their own columns when it is gone.
ALTER TABLE booking_assignment_state_history
    ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object');

UPDATE booking_assignment_state_history h
   SET metadata = COALESCE(
         (SELECT e.context FROM observability_events e
           WHERE e.booking_id = h.booking_id AND e.source = 'assignment.state_machine'
             AND e.context->>'version' = h.version::text AND NOT COALESCE((e.context->>'shadow')::boolean, false)
           ORDER BY e.id LIMIT 1),
         jsonb_strip_nulls(jsonb_build_object('from', h.from_state, 'to', h.to_state, 'version', h.version, 'trigger', h.trigger,
                                              'reason', h.reason, 'pipeline', h.pipeline, 'shadow', false)))
       || jsonb_build_object('actor', h.actor);
