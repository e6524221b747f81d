/** Inputs shared by the benchmarks. */

/** A realistic ~1 KB gateway authorization input (the shape SARK's gateway sends). */
export const gatewayInput = {
  user: {
    id: "u-7f3c2a9e-41b5-4d6f-9a0e-2c8b5d1e7f40",
    email: "ana.lopez@example.com",
    roles: ["developer", "reviewer"],
    teams: ["platform", "payments"],
    is_admin: false,
    mfa: true,
  },
  action: "gateway:tool:invoke",
  tool: {
    name: "github.create_pull_request",
    sensitivity_level: "high",
    owner_team: "platform",
    tags: ["scm", "write"],
  },
  server: { name: "github-mcp", owner_team: "platform", environment: "production" },
  parameters: {
    repository: "acme/payments-service",
    title: "Fix rounding in invoice totals",
    head: "fix/invoice-rounding",
    base: "main",
    draft: false,
    api_key: "sk_live_5f2b8c1d9e7a4b3c",
    labels: ["bug", "payments"],
  },
  context: {
    timestamp: 1764028800,
    ip: "10.20.30.40",
    user_agent: "sark-gateway/1.0",
    request_id: "req-0b9d8c7e-6f5a-4e3d-2c1b-0a9f8e7d6c5b",
    session_id: "s-4c3b2a19-0807-0605-0403-020100ffeedd",
    workflow_id: "wf-payments-release-2026-11",
    delegation_depth: 0,
    geo: { country: "ES", region: "MD" },
    score: 0.87,
  },
};

export const gatewayInputJson = JSON.stringify(gatewayInput);
