package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

var campaignNow = time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)

// saveCampaign stores a running campaign with three customers as recipients.
func saveCampaign(t *testing.T, db *gorm.DB) (*campaign.Campaign, []uuid.UUID) {
	t.Helper()
	number := saveNumber(t, db, "106540352242922")
	tpl, err := template.New(uuid.New(), template.Details{
		Name: "aviso", Language: "es", Category: template.Utility, Body: "Hola {{1}}, tiene saldo vencido.", Examples: []string{"Ana"},
	}, campaignNow)
	require.NoError(t, err)
	tpl.Review("APPROVED", "", campaignNow)
	c, err := campaign.New(newV7(), campaign.Broadcast, campaign.Details{
		Name: "Vencidas", NumberID: number.ID, Variables: []campaign.Variable{{Source: campaign.FirstName}},
		Audience:       campaign.Audience{SegmentID: uuid.New(), SegmentName: "Vencidas +30", Criteria: campaign.Criteria{MinDaysOverdue: 31, MinOverdue: money.MustParse("1000", "COP")}},
		RetryIntervals: []time.Duration{time.Hour, 3 * time.Hour},
	}, tpl, campaignNow)
	require.NoError(t, err)
	require.NoError(t, c.Start(campaignNow))
	repo := postgres.NewCampaignRepository(db)
	require.NoError(t, repo.Save(t.Context(), c))
	var ids []uuid.UUID
	for _, ext := range []string{"C1", "C2", "C3"} {
		cu := newCustomer(t, ext)
		require.NoError(t, postgres.NewCustomerRepository(db).Save(t.Context(), cu))
		ids = append(ids, cu.ID())
	}
	return c, ids
}

func TestCampaignRepository_SaveAndGet(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	c, _ := saveCampaign(t, db)
	got, err := postgres.NewCampaignRepository(db).Get(t.Context(), c.ID())
	require.NoError(t, err)
	assert.Equal(t, c.Details(), got.Details())
	assert.Equal(t, campaign.Running, got.Status())
	assert.True(t, got.StartedAt().Equal(campaignNow))

	_, err = postgres.NewCampaignRepository(db).Get(t.Context(), uuid.New())
	assert.ErrorIs(t, err, campaign.ErrNotFound)
}

func TestRecipientRepository_AddIsOncePerKey(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	c, customers := saveCampaign(t, db)
	repo := postgres.NewRecipientRepository(db)
	rec := func(i int, key string) *campaign.Recipient {
		return campaign.NewRecipient(newV7(), c.ID(), customers[i], key, "57300111000"+string(rune('1'+i)), "Cliente", "", campaignNow, campaignNow)
	}
	n, err := repo.Add(t.Context(), rec(0, "k0"), rec(1, "k1"))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = repo.Add(t.Context(), rec(0, "k0"), rec(2, "k2")) // a planner running twice
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the key already stored is not stored again")
	counts, err := postgres.NewCampaignRepository(db).Counters(t.Context(), c.ID())
	require.NoError(t, err)
	assert.Equal(t, campaign.Counters{Recipients: 3, Pending: 3}, counts[c.ID()])
}

func TestRecipientRepository_ConcurrentClaimsNeverShareARecipient(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	c, customers := saveCampaign(t, db)
	repo := postgres.NewRecipientRepository(db)
	for i := range customers {
		_, err := repo.Add(t.Context(), campaign.NewRecipient(newV7(), c.ID(), customers[i], customers[i].String(), "5730011100"+string(rune('0'+i)), "x", "", campaignNow, campaignNow))
		require.NoError(t, err)
	}
	uow := postgres.NewUnitOfWork(db)
	var mu sync.Mutex
	seen := map[uuid.UUID]int{}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			err := uow.Do(t.Context(), func(ctx context.Context, tx ports.Repos) error {
				rs, err := tx.Recipients().LockDue(ctx, c.ID(), campaignNow, 2)
				if err != nil {
					return err
				}
				for _, r := range rs {
					r.Claim(campaignNow)
					mu.Lock()
					seen[r.ID()]++
					mu.Unlock()
				}
				time.Sleep(50 * time.Millisecond) // hold the locks while the others claim
				return tx.Recipients().Save(ctx, rs...)
			})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Len(t, seen, 3, "every recipient claimed")
	for id, n := range seen {
		assert.Equal(t, 1, n, "recipient %s claimed %d times", id, n)
	}
}

func TestRecipientRepository_SaveRoundTripsAndStatusLookup(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	c, customers := saveCampaign(t, db)
	repo := postgres.NewRecipientRepository(db)
	r := campaign.NewRecipient(newV7(), c.ID(), customers[0], "k", "573001110001", "Ana", "", campaignNow, campaignNow)
	_, err := repo.Add(t.Context(), r)
	require.NoError(t, err)
	r.Claim(campaignNow)
	r.Rendered([]string{"Ana"})
	r.Refused(conversation.Failure{Code: 130429, Title: "Rate limit hit", Detail: "throughput"}, true, campaignNow.Add(time.Hour), campaignNow)
	require.NoError(t, repo.Save(t.Context(), r))

	rows, err := repo.List(t.Context(), ports.RecipientFilter{CampaignID: c.ID()})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	got := rows[0]
	assert.Equal(t, campaign.Pending, got.Status)
	assert.Equal(t, 1, got.Attempts)
	assert.Equal(t, []string{"Ana"}, got.Params)
	assert.Equal(t, &conversation.Failure{Code: 130429, Title: "Rate limit hit", Detail: "throughput"}, got.Failure)
	assert.True(t, got.NextAttemptAt.Equal(campaignNow.Add(time.Hour)))
	assert.Equal(t, "Vencidas", got.CampaignName)

	due, err := repo.LockDue(t.Context(), c.ID(), campaignNow.Add(59*time.Minute), 10)
	require.NoError(t, err)
	assert.Empty(t, due, "not due before its retry time")

	// WhatsApp's status names the recipient by reference before its id is known.
	found, err := repo.LockForStatus(t.Context(), []string{"wamid.unknown"}, []uuid.UUID{r.ID()})
	require.NoError(t, err)
	require.Len(t, found, 1)
	found[0].Claim(campaignNow)
	found[0].Accepted("wamid.ANA", campaignNow)
	require.NoError(t, repo.Save(t.Context(), found[0]))
	found, err = repo.LockForStatus(t.Context(), []string{"wamid.ANA"}, nil)
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, r.ID(), found[0].ID())

	latest, err := repo.LatestTo(t.Context(), "573001110001", campaignNow.Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, c.ID(), latest, "a reply from this number answers the campaign")
	latest, err = repo.LatestTo(t.Context(), "573001110001", campaignNow.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, uuid.Nil, latest, "too long ago")
}

func TestSegmentRepository_NamesAreUnique(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewSegmentRepository(db)
	s, err := campaign.NewSegment(newV7(), "Vencidas +30", campaign.Criteria{MinDaysOverdue: 31, MinOverdue: money.MustParse("50000", "COP"), Tags: []string{"vip"}}, campaignNow)
	require.NoError(t, err)
	require.NoError(t, repo.Save(t.Context(), s))
	got, err := repo.Get(t.Context(), s.ID())
	require.NoError(t, err)
	assert.Equal(t, s.Criteria(), got.Criteria())
	twin, err := campaign.NewSegment(newV7(), "vencidas +30", campaign.Criteria{}, campaignNow)
	require.NoError(t, err)
	assert.ErrorIs(t, repo.Save(t.Context(), twin), campaign.ErrSegmentNameTaken)
	require.NoError(t, repo.Delete(t.Context(), s.ID()))
	assert.ErrorIs(t, repo.Delete(t.Context(), s.ID()), campaign.ErrSegmentNotFound)
}
