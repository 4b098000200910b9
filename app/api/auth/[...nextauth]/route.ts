import { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { authOptions } from "~/server/auth/config";
import { guardedRoute } from "~/server/http/guarded-route";

interface NextAuthContext {
  params: Promise<{ nextauth: string[] }>;
}

async function handleAuth(req: NextRequest, context: NextAuthContext): Promise<Response> {
  const response: Response = await NextAuth(req, context, authOptions);
  return response;
}

// Sign-in and sign-out are POSTs: the same cross-site and body-size refusals as the API.
const handler = guardedRoute(handleAuth, (req, body) => new NextRequest(req, { body }));

export { handler as GET, handler as POST };
