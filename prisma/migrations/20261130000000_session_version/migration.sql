-- Sessions are signed cookies that outlive a sign-out or a deleted account unless something the
-- server checks changes: bumping a user's session version ends all of that user's sessions.

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "sessionVersion" INTEGER NOT NULL DEFAULT 0;
