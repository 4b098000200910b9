-- Operators start and cancel runs, generate reports and mark baselines; admins also manage users
-- and every API token. Placed before VIEWER so the enum reads from most to least powerful.

-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'OPERATOR' BEFORE 'VIEWER';
