// MD5 against the RFC 1321 test suite and the Java MD5Hash of the consistent-hash ring (spec §10 derived values).
#include "core/consumer/allocate/md5.h"

#include <gtest/gtest.h>

#include <string>

#include "core/consumer/allocate/consistent_hash_router.h"

namespace rmq::consumer {
namespace {

std::string md5_hex(std::string_view data) {
  Md5Digest d = md5(data);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : d) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

TEST(Md5, Rfc1321TestSuite) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5_hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(md5_hex("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(md5_hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
            "d174ab98d277d9f5a5611c2c9f419d9f");
  EXPECT_EQ(md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5, BlockBoundaries) {
  // 55 bytes fit one final block with the length; 56..63 need a second one; 64 is exactly one block.
  EXPECT_EQ(md5_hex(std::string(55, 'a')), "ef1772b6dff9a122358552954ad0df65");
  EXPECT_EQ(md5_hex(std::string(56, 'a')), "3b0c8ac703f828b04c6c197006d17218");
  EXPECT_EQ(md5_hex(std::string(63, 'a')), "b06521f39153d618550606be297466d5");
  EXPECT_EQ(md5_hex(std::string(64, 'a')), "014842d480b571495a4a0363793f7367");
  EXPECT_EQ(md5_hex(std::string(1000000, 'a')), "7707d6ae4e027c70eea2a935c2296f21");
}

TEST(JavaMd5Hash, SpecDerivedVirtualNodeHashes) {
  EXPECT_EQ(java_md5_hash("CID-0-0"), 1900518137);
  EXPECT_EQ(java_md5_hash("CID-0-1"), 2611424514);
  EXPECT_EQ(java_md5_hash("CID-0-2"), 2684780223);
  EXPECT_EQ(java_md5_hash("CID-1-0"), 1110034835);
  EXPECT_EQ(java_md5_hash("CID-1-1"), 1145053050);
  EXPECT_EQ(java_md5_hash("CID-1-2"), 1973204088);
}

TEST(JavaMd5Hash, SpecDerivedQueueHashes) {
  const int64_t expected[] = {2171879703, 3622662134, 611369592, 1454651382, 3475808878, 1643945739};
  for (int q = 0; q < 6; ++q) {
    std::string key = "MessageQueue [topic=topic_test, brokerName=brokerName, queueId=" + std::to_string(q) + "]";
    EXPECT_EQ(java_md5_hash(key), expected[q]) << key;
  }
}

TEST(JavaMd5Hash, IsTheUnsignedBigEndianFirstFourDigestBytes) {
  // md5("abc") = 90 01 50 98 ...
  EXPECT_EQ(java_md5_hash("abc"), 0x90015098);
  EXPECT_GE(java_md5_hash(""), 0);  // d4 1d 8c d9: above 2^31, still positive
  EXPECT_EQ(java_md5_hash(""), 0xd41d8cd9);
}

}  // namespace
}  // namespace rmq::consumer
