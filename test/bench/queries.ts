/** The status board's query: 50 releases with five nested relations. */
export const BOARD_QUERY = `query Board($first: Int!) { releases(first: $first) { edges { node {
  id name version status
  services { id name }
  changes { key state commits { sha } }
  deployments { id status version service { name } environment { name tier } }
  pipelines { id status gates { name status } }
  incidents { key severity }
} } } }`;

/**
 * The same answer by hand: one SQL statement that builds each release's JSON in PostgreSQL. It is
 * the physical reference the GraphQL hub is measured against.
 */
export const BOARD_SQL = `
SELECT r.id, r.name, r.version, r.status,
  (SELECT coalesce(json_agg(json_build_object('id', s.id, 'name', s.name) ORDER BY s.id), '[]')
     FROM release_service rs JOIN service s ON s.id = rs.service_id WHERE rs.release_id = r.id) AS services,
  (SELECT coalesce(json_agg(json_build_object('key', c.key, 'state', c.state,
            'commits', (SELECT coalesce(json_agg(json_build_object('sha', m.sha) ORDER BY m.committed_at, m.id), '[]') FROM commit m WHERE m.change_keys @> ARRAY[c.key]))
          ORDER BY c.created_at, c.id), '[]')
     FROM change c WHERE c.release_id = r.id) AS changes,
  (SELECT coalesce(json_agg(json_build_object('id', d.id, 'status', d.status, 'version', d.version,
            'service', json_build_object('name', s.name), 'environment', json_build_object('name', e.name, 'tier', e.tier))
          ORDER BY d.created_at, d.id), '[]')
     FROM deployment d JOIN service s ON s.id = d.service_id JOIN environment e ON e.id = d.environment_id WHERE d.release_id = r.id) AS deployments,
  (SELECT coalesce(json_agg(json_build_object('id', p.id, 'status', p.status,
            'gates', (SELECT coalesce(json_agg(json_build_object('name', g->>'name', 'status', g->>'status')), '[]') FROM jsonb_array_elements(p.gates) g))
          ORDER BY p.created_at, p.id), '[]')
     FROM pipeline_run p WHERE p.release_id = r.id) AS pipelines,
  (SELECT coalesce(json_agg(json_build_object('key', i.key, 'severity', i.severity) ORDER BY i.created_at, i.id), '[]')
     FROM incident i WHERE i.release_id = r.id) AS incidents
FROM release r
ORDER BY r.created_at DESC, r.id DESC
LIMIT $1`;
