package io.kafkabinlog.pump.security;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** The subject common name of a peer certificate, as {@code cert-allowed-cn} compares it. */
final class CommonNames {
  private CommonNames() {}

  /** The CN of the leaf certificate, if there is a leaf and it has a CN. */
  static Optional<String> ofLeaf(final Certificate[] chain) {
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    return of(leaf);
  }

  static Optional<String> of(final X509Certificate cert) {
    try {
      final LdapName name = new LdapName(cert.getSubjectX500Principal().getName());
      // With several CNs, take the leftmost in RFC 2253 order (the last in the certificate), the
      // one Go's pkix.Name keeps. LdapName indexes RDNs right to left.
      for (int i = name.size() - 1; i >= 0; i--) {
        final Rdn rdn = name.getRdn(i);
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          return Optional.of(String.valueOf(rdn.getValue()));
        }
      }
      return Optional.empty();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }
}
