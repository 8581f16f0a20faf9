/**
 * The benchmark's reference point: a bare Worker that makes the given upstream
 * calls all at once (no cache, no validation, no six-subrequest limit) and
 * answers their bodies back to back. What it costs under `wrangler dev` is what
 * the local machinery itself costs (wrangler's proxy and outbound hops, loopback,
 * the fake upstream); bench/run.ts reports it beside the real profile.
 */
interface FloorEnv {
  UPSTREAM: string;
  SERVICE_KEY: string;
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const paths = new URL(request.url).searchParams.getAll("path");
    const bodies = await Promise.all(
      paths.map(async (path) => {
        const res = await fetch(env.UPSTREAM + path, { headers: { "x-nxopen-api-key": env.SERVICE_KEY } });
        return new Uint8Array(await res.arrayBuffer());
      }),
    );
    const out = new Uint8Array(bodies.reduce((sum, b) => sum + b.length, 0));
    let at = 0;
    for (const body of bodies) {
      out.set(body, at);
      at += body.length;
    }
    return new Response(out, { headers: { "content-type": "application/octet-stream" } });
  },
};
