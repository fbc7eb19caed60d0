-- R-RETURN-5: how a return came (counter, designated-place, book-post).
ALTER TABLE "loan" ADD COLUMN "returnedVia" TEXT;
