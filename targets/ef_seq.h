/* ef_seq.h: preprocessor sequences for code that must exist once per count:
 * functions with 0..100 parameters, the pool of callback trampolines.
 *
 * EF_SEQ_n(X) expands to X(0) X(1) ... X(n-1).  EF_LIST(EF_SEQ_n, X), where
 * X(i) expands to ", item", gives "item0, item1, ..." without a leading comma.
 */
#ifndef EF_SEQ_H
#define EF_SEQ_H

#define EF_SEQ_D(X, t) X(t##0) X(t##1) X(t##2) X(t##3) X(t##4) \
		       X(t##5) X(t##6) X(t##7) X(t##8) X(t##9)

#define EF_SEQ_0(X)
#define EF_SEQ_1(X) X(0)
#define EF_SEQ_2(X) EF_SEQ_1(X) X(1)
#define EF_SEQ_3(X) EF_SEQ_2(X) X(2)
#define EF_SEQ_4(X) EF_SEQ_3(X) X(3)
#define EF_SEQ_5(X) EF_SEQ_4(X) X(4)
#define EF_SEQ_6(X) EF_SEQ_5(X) X(5)
#define EF_SEQ_7(X) EF_SEQ_6(X) X(6)
#define EF_SEQ_8(X) EF_SEQ_7(X) X(7)
#define EF_SEQ_10(X) EF_SEQ_D(X, )
#define EF_SEQ_25(X) EF_SEQ_D(X, ) EF_SEQ_D(X, 1) X(20) X(21) X(22) X(23) X(24)
#define EF_SEQ_50(X) EF_SEQ_D(X, ) EF_SEQ_D(X, 1) EF_SEQ_D(X, 2) \
		     EF_SEQ_D(X, 3) EF_SEQ_D(X, 4)
#define EF_SEQ_100(X) EF_SEQ_50(X) EF_SEQ_D(X, 5) EF_SEQ_D(X, 6) \
		      EF_SEQ_D(X, 7) EF_SEQ_D(X, 8) EF_SEQ_D(X, 9)
#define EF_SEQ_128(X) EF_SEQ_100(X) EF_SEQ_D(X, 10) EF_SEQ_D(X, 11) \
		      X(120) X(121) X(122) X(123) X(124) X(125) X(126) X(127)

#define EF_LIST(seq, X) EF_LIST_REST_(seq(X))
#define EF_LIST_REST_(...) EF_LIST_DROP_(__VA_ARGS__)
#define EF_LIST_DROP_(first, ...) __VA_ARGS__

#endif
