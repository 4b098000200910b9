import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import { TRPCReactProvider } from "~/trpc/react";

// Rendered per request, the not-found page included: each response needs its own CSP nonce.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "MeshBench",
  description: "What does a service mesh cost my traffic?",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
