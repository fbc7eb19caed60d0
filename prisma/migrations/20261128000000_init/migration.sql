-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "PickupPlaceKind" AS ENUM ('PREFECTURAL', 'COOPERATING');

-- CreateEnum
CREATE TYPE "material_type" AS ENUM ('図書', 'デイジー', '雑誌', '視聴覚');

-- CreateEnum
CREATE TYPE "item_status" AS ENUM ('書架', '禁帯', '貸出', '予受待', '予回送');

-- CreateTable
CREATE TABLE "cooperating_library" (
    "no" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "municipality" TEXT NOT NULL,
    "name" TEXT,
    "note" TEXT,
    "isOpen" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "cooperating_library_pkey" PRIMARY KEY ("no")
);

-- CreateTable
CREATE TABLE "pickup_place" (
    "code" TEXT NOT NULL,
    "kind" "PickupPlaceKind" NOT NULL,
    "label" TEXT NOT NULL,
    "cooperatingLibraryNo" INTEGER,

    CONSTRAINT "pickup_place_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "patron" (
    "id" UUID NOT NULL,
    "cardNumber" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "loanLimit" INTEGER NOT NULL DEFAULT 10,
    "reservationLimit" INTEGER NOT NULL DEFAULT 20,
    "usualLibraryNo" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "patron_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "title" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "author" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "title_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "item" (
    "itemNumber" TEXT NOT NULL,
    "titleId" TEXT NOT NULL,
    "materialType" "material_type" NOT NULL,
    "status" "item_status" NOT NULL DEFAULT '書架',
    "loanCategory" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "item_pkey" PRIMARY KEY ("itemNumber")
);

-- CreateIndex
CREATE INDEX "cooperating_library_region_idx" ON "cooperating_library"("region");

-- CreateIndex
CREATE UNIQUE INDEX "pickup_place_cooperatingLibraryNo_key" ON "pickup_place"("cooperatingLibraryNo");

-- CreateIndex
CREATE UNIQUE INDEX "patron_cardNumber_key" ON "patron"("cardNumber");

-- CreateIndex
CREATE INDEX "item_titleId_status_idx" ON "item"("titleId", "status");

-- AddForeignKey
ALTER TABLE "pickup_place" ADD CONSTRAINT "pickup_place_cooperatingLibraryNo_fkey" FOREIGN KEY ("cooperatingLibraryNo") REFERENCES "cooperating_library"("no") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "item" ADD CONSTRAINT "item_titleId_fkey" FOREIGN KEY ("titleId") REFERENCES "title"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
